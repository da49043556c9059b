import { BadRequestException, NotFoundException } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { toErrorBody } from './http-exception.filter';
import { StripIdentityHeadersMiddleware } from './identity-headers.middleware';

describe('StripIdentityHeadersMiddleware', () => {
  it('drops every identity header a client sends and keeps the others', () => {
    const req = {
      headers: { 'x-remote-ident': 'oar', 'x-remote-user': 'root', 'remote-user': 'root', authorization: 'Bearer t' },
    } as unknown as Request;
    const next = jest.fn() as NextFunction;
    new StripIdentityHeadersMiddleware().use(req, {} as Response, next);
    expect(req.headers).toEqual({ authorization: 'Bearer t' });
    expect(next).toHaveBeenCalledWith();
  });
});

describe('toErrorBody', () => {
  it('keeps the status of HTTP exceptions and joins validation messages', () => {
    expect(toErrorBody(new BadRequestException(['count: must be positive', 'prefix: too long']))).toEqual({
      statusCode: 400,
      error: 'Bad Request',
      message: 'count: must be positive; prefix: too long',
    });
    expect(toErrorBody(new NotFoundException('no node named x'))).toEqual({
      statusCode: 404,
      error: 'Not Found',
      message: 'no node named x',
    });
  });

  it('never shows the details of an unexpected error', () => {
    expect(toErrorBody(new Error('ECONNREFUSED 10.0.0.5:5432 password=hunter2'))).toEqual({
      statusCode: 500,
      error: 'Internal Server Error',
      message: 'internal server error',
    });
  });
});
