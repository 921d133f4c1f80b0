import { defineRepositorySuite } from "./support/repository-suite";

defineRepositorySuite("pglite");
