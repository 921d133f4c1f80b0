import { exited, forkHelper, stopHelper } from "./child";

export interface RunningRelay {
  pid: number;
  url: string;
  stop(): Promise<void>;
}

/** Starts the bare socket.io relay as its own process and waits until it listens. */
export async function startRelay(port: number): Promise<RunningRelay> {
  const child = forkHelper(new URL("./relay-server.ts", import.meta.url), [String(port)]);
  await new Promise<void>((resolve, reject) => {
    child.once("message", () => {
      resolve();
    });
    void exited(child).then(() => {
      reject(new Error("the relay exited before it listened"));
    });
  });
  return { pid: child.pid ?? 0, url: `http://127.0.0.1:${port}`, stop: () => stopHelper(child) };
}
