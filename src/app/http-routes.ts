/**
 * An HTTP endpoint that a channel needs on the bot's own web server (Telegram's webhook).
 * Framework-neutral on purpose: channels stay free of the web server's library, and the web
 * server (src/web/) mounts whatever routes the started channels declare.
 */
export interface HttpRequest {
  /** Header names in lower case. */
  headers: Readonly<Record<string, string | undefined>>;
  /** The parsed JSON body. */
  body: unknown;
}

export interface HttpResponse {
  status: number;
  body?: unknown;
}

export interface HttpRoute {
  method: "POST";
  /** Absolute path, e.g. `/telegram/webhook`. */
  path: string;
  handle(request: HttpRequest): Promise<HttpResponse>;
}
