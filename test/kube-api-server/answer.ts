// How the test server answers: JSON bodies and Status errors, and reading a request's JSON.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { decodeObject, isProtobuf } from './proto-body.js';

/** readBody reads a JSON request body, or the protobuf one a typed client sends ({} when empty or unreadable). */
export async function readBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  if (isProtobuf(req.headers['content-type'])) return decodeObject(Buffer.concat(chunks)) ?? {};
  const text = Buffer.concat(chunks).toString('utf8');
  try {
    return text ? (JSON.parse(text) as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** json answers with a JSON body. */
export function json(res: ServerResponse, code: number, body: unknown, contentType = 'application/json'): void {
  res.writeHead(code, { 'content-type': contentType });
  res.end(JSON.stringify(body));
}

/** status answers with a Status object, as the API server does for errors. */
export function status(res: ServerResponse, code: number, reason: string, message: string): void {
  if (res.headersSent) return void res.destroy();
  json(res, code, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code });
}
