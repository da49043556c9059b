import { BadRequestException, NotFoundException } from '@nestjs/common';
import { requestError } from './http-adapter';
import { toErrorBody } from './http-exception.filter';
import { stripIdentityHeaders } from './identity-headers';

describe('stripIdentityHeaders', () => {
  it('drops every identity header a client sends and keeps the others', () => {
    const headers = {
      'x-remote-ident': 'oar',
      'x-remote-user': 'root',
      'remote-user': 'root',
      authorization: 'Bearer t',
    };
    stripIdentityHeaders(headers);
    expect(headers).toEqual({ authorization: 'Bearer t' });
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

describe('requestError', () => {
  const fastifyError = (code: string, message: string) => Object.assign(new Error(message), { code, statusCode: 400 });

  it('says what was wrong with a request Fastify refused before any route ran, as a 4xx', () => {
    const cases: [Error, number, RegExp][] = [
      [
        fastifyError('FST_ERR_CTP_BODY_TOO_LARGE', 'Request body is too large'),
        413,
        /larger than the limit of 1024 bytes/,
      ],
      [fastifyError('FST_ERR_CTP_EMPTY_JSON_BODY', 'Body cannot be empty'), 400, /^malformed JSON in request body/],
      [
        fastifyError('FST_ERR_CTP_INVALID_MEDIA_TYPE', 'Unsupported Media Type: text/xml'),
        415,
        /Content-Type text\/xml: send application\/json/,
      ],
      [fastifyError('FST_ERR_CTP_INVALID_CONTENT_LENGTH', 'bad length'), 400, /did not match Content-Length/],
      [fastifyError('FST_ERR_CTP_INVALID_JSON_BODY', 'Body is not valid JSON'), 400, /^malformed JSON in request body/],
    ];
    for (const [err, status, message] of cases) {
      const body = toErrorBody(requestError(err, { bodyLimit: 1024, contentType: 'text/xml' }));
      expect(body.statusCode).toBe(status);
      expect(body.message).toMatch(message);
    }
  });

  it('leaves every other error as it is (one from our own code stays a 500)', () => {
    const own = new SyntaxError('bad template');
    expect(requestError(own, {})).toBe(own);
    const http = new NotFoundException('gone');
    expect(requestError(http, {})).toBe(http);
  });
});
