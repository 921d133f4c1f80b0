import { resolve } from "node:path";
import { startBroker } from "./broker";
import { parseCliArgs, USAGE } from "./cli-args";

const parsed = parseCliArgs(process.argv.slice(2));
if ("error" in parsed) {
  process.stderr.write(`kafka-broker: ${parsed.error}\n${USAGE}\n`);
  process.exit(2);
}
const dataDir = resolve(parsed.options.dataDir);
const broker = await startBroker(
  { ...parsed.options, dataDir },
  { warn: (message) => process.stderr.write(`kafka-broker: ${message}\n`) },
).catch((error: unknown) => {
  process.stderr.write(
    `kafka-broker: cannot start: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
});
process.stdout.write(`kafka-broker listening on ${broker.address} (data: ${dataDir})\n`);

const shutdown = () => {
  void broker.stop().then(() => process.exit(0));
};
process.once("SIGINT", shutdown);
process.once("SIGTERM", shutdown);
