import { promisify } from 'node:util';
import { brotliDecompress, gunzip, inflate, ZlibOptions } from 'node:zlib';
import { AppError, RequestErrorCode } from '@app/errors';

type Decoder = (body: Buffer, options: ZlibOptions) => Promise<Buffer>;

const gunzipAsync: Decoder = promisify<Buffer, ZlibOptions, Buffer>(gunzip);
const DECODERS: Record<string, Decoder> = {
  gzip: gunzipAsync,
  'x-gzip': gunzipAsync,
  deflate: promisify<Buffer, ZlibOptions, Buffer>(inflate),
  br: promisify<Buffer, ZlibOptions, Buffer>(brotliDecompress),
};

/**
 * The body as its sender wrote it, undoing one Content-Encoding (gzip, deflate or br), at most `limitBytes`
 * once inflated: a small compressed body can expand a thousandfold, so the limit applies after decoding too.
 */
export async function decodedBody(body: Buffer, contentEncoding: string | undefined, limitBytes: number): Promise<Buffer> {
  const encoding = (contentEncoding ?? 'identity').trim().toLowerCase();
  if (encoding === 'identity') return body;
  const decode = DECODERS[encoding];
  if (!decode) throw new AppError(RequestErrorCode.UnsupportedMediaType, `Unsupported content encoding: use gzip, deflate, br or none`);
  try {
    return await decode(body, { maxOutputLength: limitBytes });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE')
      throw new AppError(RequestErrorCode.PayloadTooLarge, 'Request body is larger than 1 MB once decompressed');
    throw new AppError(RequestErrorCode.InvalidJson, `Request body is not valid ${encoding} data`);
  }
}
