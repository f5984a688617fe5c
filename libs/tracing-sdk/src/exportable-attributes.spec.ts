import { SpanKind } from '@opentelemetry/api';
import { exportableAttributes, exportableEventAttributes } from './exportable-attributes';

describe('exportableAttributes', () => {
  it("keeps Flowline's ids and the conventions' routes, methods, statuses, peers and SQL text", () => {
    const attributes = {
      'flowline.execution.id': 'e1',
      'flowline.step.index': 2,
      'http.request.method': 'POST',
      'http.route': '/run',
      'http.response.status_code': 200,
      'server.address': 'api.example.com',
      'db.system': 'postgresql',
      'db.statement': 'SELECT flowline_record_step($1::jsonb)',
    };
    expect(exportableAttributes(attributes, SpanKind.INTERNAL)).toEqual(attributes);
  });

  it('drops what it does not know: header values, parameter values, bodies, error messages', () => {
    const kept = exportableAttributes(
      {
        'http.request.header.authorization': ['Bearer s3cret'],
        'db.postgresql.values': ['{"input":"x"}'],
        'http.request.body': '{"password":"p"}',
        'url.query': 'api_key=s3cret',
        'exception.message': 'bad value s3cret',
        'some.future.attribute': 's3cret',
      },
      SpanKind.SERVER,
    );
    expect(kept).toEqual({});
  });

  it('a URL leaves as its origin (no user info, path, query or fragment); a received path leaves without its query', () => {
    const url = 'https://user:pw@hooks.example.com/services/T0/B0/s3cret?api_key=s3cret#frag';
    expect(exportableAttributes({ 'url.full': url, 'url.path': '/services/T0/B0/s3cret' }, SpanKind.CLIENT)).toEqual({
      'url.full': 'https://hooks.example.com',
    });
    expect(
      exportableAttributes({ 'http.target': '/auth/oidc/callback?code=s3cret&state=x', 'url.path': '/run?x=1' }, SpanKind.SERVER),
    ).toEqual({
      'http.target': '/auth/oidc/callback',
      'url.path': '/run',
    });
    expect(exportableAttributes({ 'db.connection_string': 'redis://:pw@cache:6379/0' }, SpanKind.CLIENT)).toEqual({
      'db.connection_string': 'redis://cache:6379',
    });
    expect(exportableAttributes({ 'http.url': 'not a url' }, SpanKind.CLIENT)).toEqual({});
  });

  it('a Redis command keeps its name only: its arguments are job data and keys', () => {
    expect(
      exportableAttributes({ 'db.system': 'redis', 'db.statement': 'evalsha abc 8 bull:q:wait {"executionId":"e1"}' }, SpanKind.CLIENT),
    ).toEqual({
      'db.system': 'redis',
      'db.statement': 'evalsha',
    });
  });

  it('an exception event keeps its type, not its message or stack', () => {
    expect(
      exportableEventAttributes({ 'exception.type': 'TypeError', 'exception.message': 's3cret', 'exception.stacktrace': 's3cret' }),
    ).toEqual({
      'exception.type': 'TypeError',
    });
  });
});
