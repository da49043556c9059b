import 'reflect-metadata';
import { createApp } from './app-setup';
(async () => {
  const app = await createApp();
  await app.init();
  const f = app.getHttpAdapter().getInstance();
  for (const [method, url, headers, payload] of [
    ['GET', '/api/nodes/%E0%A4%A', {}, undefined],
    ['GET', '/api/nodes/' + 'a'.repeat(200), {}, undefined],
    ['GET', '/api/jobs/' + '1'.repeat(200), {}, undefined],
    ['DELETE', '/api/jobs/0x10', {}, undefined],
    ['POST', '/api/auth/login', { 'content-type': 'text/plain' }, 'hello'],
    ['GET', '/api/%', {}, undefined],
  ] as const) {
    const res = await f.inject({ method, url, headers, payload });
    console.log(method, url.slice(0, 40), res.statusCode, JSON.stringify(res.headers).slice(0, 200), res.body.slice(0, 200));
  }
  await app.close();
  process.exit(0);
})();
