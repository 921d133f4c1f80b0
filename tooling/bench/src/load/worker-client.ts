import type { ChildProcess } from "node:child_process";
import { exited, forkHelper, stopHelper } from "../system/child";
import type { ReplyMessage, RequestKind, RequestMessage, Requests } from "./protocol";

/** The bench's handle on a load generator process. */
export class LoadGenerator {
  private readonly child: ChildProcess;
  private nextId = 1;
  private readonly waiting = new Map<
    number,
    { resolve: (value: unknown) => void; reject: (error: Error) => void }
  >();

  private constructor() {
    this.child = forkHelper(new URL("./worker.ts", import.meta.url));
    this.child.on("message", (message: ReplyMessage) => {
      const waiter = this.waiting.get(message.id);
      if (waiter === undefined) return;
      this.waiting.delete(message.id);
      if (message.ok) waiter.resolve(message.result);
      else waiter.reject(new Error(`load generator: ${message.error}`));
    });
    void exited(this.child).then(() => {
      for (const waiter of this.waiting.values()) waiter.reject(new Error("the load generator exited"));
      this.waiting.clear();
    });
  }

  static start(): LoadGenerator {
    return new LoadGenerator();
  }

  get pid(): number {
    return this.child.pid ?? 0;
  }

  call<K extends RequestKind>(kind: K, request: Requests[K]["request"]): Promise<Requests[K]["result"]> {
    const id = this.nextId++;
    const message: RequestMessage<K> = { id, kind, request };
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve: resolve as (value: unknown) => void, reject });
      this.child.send(message);
    });
  }

  stop(): Promise<void> {
    return stopHelper(this.child);
  }
}
