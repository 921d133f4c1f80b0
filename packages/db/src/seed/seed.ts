import { readDbEnv, readSeedEnv } from "../env";
import { openDatabaseFromEnv } from "../open-database";
import { seedDemoData } from "./demo-data";

async function main(): Promise<void> {
  const started = performance.now();
  const { crowdSize } = readSeedEnv();
  const database = await openDatabaseFromEnv(readDbEnv(), { migrate: true });
  try {
    console.log(`Seeding ${database.kind}…`);
    const summary = await seedDemoData(database.prisma, {
      crowdSize,
      log: (line) => {
        console.log(`  ${line}`);
      },
    });
    console.log(`Done in ${Math.round(performance.now() - started)} ms: ${JSON.stringify(summary)}`);
  } finally {
    await database.close();
  }
}

// The schema engine used for migrations leaves a timer behind, so the process exits explicitly.
main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
