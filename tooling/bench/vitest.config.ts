import { defineWorkspaceTestConfig } from "@gochat/vitest-config";

export default defineWorkspaceTestConfig();
