import { connect, type Socket } from "node:net";
import { Reader } from "../../src/protocol/reader";
import { Writer } from "../../src/protocol/writer";
import { FrameDecoder } from "../../src/server/frame-decoder";

/** A bare Kafka protocol client for what kafkajs cannot be made to send (bad input, exact versions). */
export class RawClient {
  private readonly socket: Socket;
  private readonly decoder = new FrameDecoder(512 * 1024 * 1024);
  private readonly waiting: ((frame: Buffer) => void)[] = [];
  private correlationId = 0;
  closed: Promise<void>;

  private constructor(socket: Socket) {
    this.socket = socket;
    socket.on("data", (chunk: Buffer) => {
      this.decoder.push(chunk, (frame) => {
        this.waiting.shift()?.(Buffer.from(frame));
      });
    });
    socket.on("error", () => undefined);
    this.closed = new Promise((resolve) =>
      socket.once("close", () => {
        resolve();
      }),
    );
  }

  static async connect(address: string): Promise<RawClient> {
    const [host, port] = address.split(":");
    const socket = connect(Number(port), host);
    await new Promise<void>((resolve, reject) => {
      socket.once("connect", resolve);
      socket.once("error", reject);
    });
    return new RawClient(socket);
  }

  /** Sends one request and resolves with a reader positioned after the response's correlation id. */
  request(apiKey: number, apiVersion: number, writeBody: (writer: Writer) => void): Promise<Reader> {
    const correlationId = ++this.correlationId;
    const writer = new Writer()
      .writeInt16(apiKey)
      .writeInt16(apiVersion)
      .writeInt32(correlationId)
      .writeString("raw-client");
    writeBody(writer);
    const response = new Promise<Reader>((resolve, reject) => {
      this.waiting.push((frame) => {
        const reader = new Reader(frame);
        const got = reader.readInt32();
        if (got !== correlationId) reject(new Error(`correlation id ${got}, expected ${correlationId}`));
        else resolve(reader);
      });
      void this.closed.then(() => {
        reject(new Error("connection closed"));
      });
    });
    this.socket.write(writer.toFrame());
    return response;
  }

  writeRaw(data: Buffer): void {
    this.socket.write(data);
  }

  close(): void {
    this.socket.destroy();
  }
}
