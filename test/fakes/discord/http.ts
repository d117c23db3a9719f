import type { IncomingMessage } from 'node:http';

/** A JSON object as the bot sends it; narrowed with `isRecord` before use. */
export type JsonObject = Record<string, unknown>;

export function isRecord(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** An error answered the way Discord does: HTTP status plus `{ code, message, errors? }`. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    message: string,
    readonly errors?: JsonObject,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  toBody(): JsonObject {
    return this.errors
      ? { message: this.message, code: this.code, errors: this.errors }
      : { message: this.message, code: this.code };
  }
}

export const unknownChannel = () => new ApiError(404, 10003, 'Unknown Channel');
export const unknownGuild = () => new ApiError(404, 10004, 'Unknown Guild');
export const unknownMember = () => new ApiError(404, 10007, 'Unknown Member');
export const unknownMessage = () => new ApiError(404, 10008, 'Unknown Message');
export const unknownWebhook = () => new ApiError(404, 10015, 'Unknown Webhook');
export const unknownInteraction = () => new ApiError(404, 10062, 'Unknown interaction');
export const missingAccess = () => new ApiError(403, 50001, 'Missing Access');
export const missingPermissions = () => new ApiError(403, 50013, 'Missing Permissions');
export const unauthorized = () => new ApiError(401, 0, '401: Unauthorized');

/** One uploaded file of a multipart request. */
export interface UploadedFile {
  /** The form field, e.g. `files[0]`. */
  field: string;
  name: string;
  size: number;
  contentType: string;
}

export interface ParsedBody {
  /** JSON body, or the parsed `payload_json` of a multipart body; undefined when there was none. */
  json: unknown;
  files: UploadedFile[];
  /** Set when the body could not be parsed (the request is answered 400). */
  parseError?: string;
}

export async function readRaw(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks);
}

/** Parses a JSON or multipart (`payload_json` + `files[n]`) body as Discord accepts them. */
export async function parseBody(raw: Buffer, contentType: string | undefined): Promise<ParsedBody> {
  if (raw.length === 0) return { json: undefined, files: [] };
  const type = (contentType ?? '').toLowerCase();
  if (type.startsWith('application/json')) {
    try {
      return { json: JSON.parse(raw.toString('utf8')), files: [] };
    } catch (error) {
      return { json: undefined, files: [], parseError: `malformed JSON: ${(error as Error).message}` };
    }
  }
  if (type.startsWith('multipart/form-data')) {
    // undici's Response parses multipart bodies the same way Discord's edge does for our purposes.
    const form = await new Response(raw, { headers: { 'content-type': contentType ?? '' } }).formData();
    const files: UploadedFile[] = [];
    let json: unknown;
    for (const [field, value] of form.entries()) {
      if (typeof value === 'string') {
        if (field === 'payload_json') {
          try {
            json = JSON.parse(value);
          } catch (error) {
            return {
              json: undefined,
              files,
              parseError: `malformed payload_json: ${(error as Error).message}`,
            };
          }
        }
      } else {
        files.push({
          field,
          name: value.name,
          size: value.size,
          contentType: value.type || 'application/octet-stream',
        });
      }
    }
    return { json, files };
  }
  return { json: undefined, files: [], parseError: `unsupported content type ${contentType ?? '(none)'}` };
}
