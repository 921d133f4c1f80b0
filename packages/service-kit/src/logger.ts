import { pino, type Logger, type LevelWithSilent } from "pino";

export type { Logger } from "pino";

/** The one logger: structured JSON lines on stdout, tagged with the service and its instance. */
export function createLogger(options: {
  service: string;
  instance?: string;
  level?: LevelWithSilent;
}): Logger {
  return pino({
    level: options.level ?? "info",
    base: {
      service: options.service,
      ...(options.instance === undefined ? {} : { instance: options.instance }),
    },
    timestamp: pino.stdTimeFunctions.isoTime,
  });
}
