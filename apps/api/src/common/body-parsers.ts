import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { json, urlencoded } from 'express';
import { toErrorBody } from './http-exception.filter';

/**
 * JSON and form body parsers with a size limit whose errors are answered here, as
 * `{statusCode, error, message}`: passed on with next(err) they would reach serve-static's error
 * handler, which turns every error under its excluded paths (/api) into a 404.
 */
export function bodyParsers(limitBytes: number): RequestHandler[] {
  return [json({ limit: limitBytes }), urlencoded({ limit: limitBytes, extended: false })].map(
    (parse) => (req: Request, res: Response, next: NextFunction) =>
      parse(req, res, (err?: unknown) => {
        if (!err) return next();
        const body = toErrorBody(err);
        res.status(body.statusCode).json(body);
      }),
  );
}
