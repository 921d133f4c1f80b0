import { runChatDemo } from "./chat-demo";
import { readDemoEnv } from "./env";

const env = readDemoEnv();
const result = await runChatDemo({
  repoUrl: env.DEMO_REPO_URL,
  gatewayUrls: env.DEMO_GATEWAY_URLS,
  log: console.log,
});
console.log(`delivered live: ${result.delivered.length}, in history: ${result.history.length}`);
process.exit(result.delivered.length === 4 && result.history.length === 4 ? 0 : 1);
