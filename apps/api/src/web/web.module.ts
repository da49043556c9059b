import { Module } from '@nestjs/common';
import { ServeStaticModule } from '@nestjs/serve-static';
import { resolve } from 'node:path';

/** apps/web/dist, from apps/api/src/web (ts-jest) and apps/api/dist/web (built) alike. */
export const WEB_DIST = resolve(__dirname, '..', '..', '..', 'web', 'dist');

/** The built Lit app at /, with index.html for its client-side routes (/wall, /nodes …). */
@Module({
  imports: [
    ServeStaticModule.forRoot({
      rootPath: WEB_DIST,
      exclude: ['/api', '/api/{*path}', '/socket.io', '/socket.io/{*path}'],
      serveStaticOptions: { index: 'index.html', maxAge: '1h' },
    }),
  ],
})
export class WebModule {}
