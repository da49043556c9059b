// oar-live's compose healthcheck: exits 0 when /api/health answers 200 (OAR and Redis up).
require('node:http')
  .get(`http://127.0.0.1:${process.env.PORT ?? 8080}/api/health`, (res) => process.exit(res.statusCode === 200 ? 0 : 1))
  .on('error', () => process.exit(1));
