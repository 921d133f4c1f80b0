import type { Socket } from "node:net";
import { apiVersionsHandler, handlersByKey, supportedVersions } from "../api/api-registry";
import type { BrokerContext, HandlerResult, RequestHeader } from "../api/api-types";
import { writeApiVersionsBody } from "../api/api-versions";
import { ErrorCode } from "../protocol/error-codes";
import { ProtocolError, Reader } from "../protocol/reader";
import { Writer } from "../protocol/writer";
import { FrameDecoder } from "./frame-decoder";
import { SASL_AUTHENTICATE_KEY, SASL_HANDSHAKE_KEY, SaslSession } from "./sasl";

const MAX_UNSENT_BYTES = 64 * 1024 * 1024;

let connectionCount = 0;

export interface ConnectionLogger {
  warn(message: string): void;
}

interface ResponseSlot {
  isReady: boolean;
  frame: Buffer | undefined;
}

/**
 * One client connection. Requests are handled as they arrive, but responses leave strictly in request
 * order, as Kafka clients match them by position: a parked long-poll fetch holds back the answers
 * queued behind it on the same connection, exactly like a Kafka broker.
 */
export class Connection {
  private readonly socket: Socket;
  private readonly context: BrokerContext;
  private readonly decoder: FrameDecoder;
  private readonly logger: ConnectionLogger;
  private readonly slots: ResponseSlot[] = [];
  private readonly clientHost: string;
  private readonly sasl: SaslSession;
  private readonly connectionId = ++connectionCount;

  constructor(socket: Socket, context: BrokerContext, maxFrameBytes: number, logger: ConnectionLogger) {
    this.socket = socket;
    this.context = context;
    this.decoder = new FrameDecoder(maxFrameBytes);
    this.logger = logger;
    this.clientHost = `/${socket.remoteAddress ?? "unknown"}`;
    this.sasl = new SaslSession(context.saslUsers);
    socket.setNoDelay(true);
    socket.on("data", (chunk: Buffer) => {
      this.receive(chunk);
    });
    socket.on("error", () => socket.destroy());
    // A client that is gone (killed, crashed) leaves its groups now, not a session time-out later.
    socket.once("close", () => {
      context.groups.connectionClosed(this.connectionId);
    });
  }

  private receive(chunk: Buffer): void {
    if (this.socket.destroyed) return;
    const outcome = this.decoder.push(chunk, (frame) => {
      if (!this.socket.destroyed) this.handleFrame(frame);
    });
    if (outcome === "too-large") this.close("frame larger than the configured maximum");
  }

  private handleFrame(frame: Buffer): void {
    let header: RequestHeader;
    const reader = new Reader(frame);
    try {
      header = {
        apiKey: reader.readInt16(),
        apiVersion: reader.readInt16(),
        correlationId: reader.readInt32(),
        clientId: reader.readNullableString() ?? "",
        clientHost: this.clientHost,
        connectionId: this.connectionId,
      };
    } catch {
      this.close("unreadable request header");
      return;
    }
    const response = new Writer().writeInt32(header.correlationId);
    if (header.apiKey === apiVersionsHandler.apiKey && header.apiVersion > apiVersionsHandler.maxVersion) {
      // Clients probe with their newest ApiVersions; the v0 answer with our ranges lets them step down.
      writeApiVersionsBody(response, 0, ErrorCode.UNSUPPORTED_VERSION, supportedVersions);
      this.enqueue(response);
      return;
    }
    if (!this.sasl.admits(header.apiKey)) {
      this.close(`api key ${header.apiKey} before SASL authentication`);
      return;
    }
    if (header.apiKey === SASL_HANDSHAKE_KEY || header.apiKey === SASL_AUTHENTICATE_KEY) {
      this.handleSasl(header, reader, response);
      return;
    }
    const handler = handlersByKey.get(header.apiKey);
    if (!handler || header.apiVersion < handler.minVersion || header.apiVersion > handler.maxVersion) {
      this.close(`unsupported api key ${header.apiKey} version ${header.apiVersion}`);
      return;
    }
    let result: HandlerResult;
    try {
      result = handler.handle(this.context, header, reader, response);
    } catch (error) {
      this.close(`${handler.name} v${header.apiVersion}: ${describeError(error)}`);
      return;
    }
    this.enqueue(result);
  }

  private handleSasl(header: RequestHeader, reader: Reader, response: Writer): void {
    if (header.apiVersion < 0 || header.apiVersion > 1) {
      this.close(`unsupported api key ${header.apiKey} version ${header.apiVersion}`);
      return;
    }
    try {
      if (header.apiKey === SASL_HANDSHAKE_KEY) {
        this.enqueue(this.sasl.handshake(reader, response));
        return;
      }
      const outcome = this.sasl.authenticate(reader, response, header.apiVersion);
      this.enqueue(outcome.response);
      if (outcome.close) {
        this.logger.warn(`closing connection from ${this.clientHost}: SASL authentication failed`);
        // end(), not destroy(): the refusal must reach the client before the connection goes.
        this.socket.end();
      }
    } catch (error) {
      this.close(`SASL: ${describeError(error)}`);
    }
  }

  private enqueue(result: HandlerResult): void {
    const slot: ResponseSlot = { isReady: false, frame: undefined };
    this.slots.push(slot);
    if (result instanceof Promise) {
      result.then(
        (writer) => {
          slot.isReady = true;
          slot.frame = writer?.toFrame();
          this.flush();
        },
        (error: unknown) => {
          this.close(`request failed: ${describeError(error)}`);
        },
      );
      return;
    }
    slot.isReady = true;
    slot.frame = result?.toFrame();
    this.flush();
  }

  private flush(): void {
    while (this.slots[0]?.isReady) {
      const slot = this.slots.shift() as ResponseSlot;
      if (slot.frame && !this.socket.destroyed) this.socket.write(slot.frame);
    }
    // A client that sends but does not read gets no more requests read until it catches up,
    // instead of the broker buffering its fetch responses without bound.
    if (this.socket.writableLength > MAX_UNSENT_BYTES && !this.socket.isPaused()) {
      this.socket.pause();
      this.socket.once("drain", () => {
        this.socket.resume();
      });
    }
  }

  close(reason?: string): void {
    if (reason) this.logger.warn(`closing connection from ${this.clientHost}: ${reason}`);
    this.socket.destroy();
  }
}

function describeError(error: unknown): string {
  if (error instanceof ProtocolError) return `malformed request (${error.message})`;
  return error instanceof Error ? error.message : String(error);
}
