import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  {
    ignores: [
      "**/node_modules/**",
      "**/dist/**",
      "**/.next/**",
      "**/test-results/**",
      "**/generated/**",
      "**/.turbo/**",
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: true,
      },
    },
    rules: {
      "@typescript-eslint/restrict-template-expressions": [
        "error",
        { allowNumber: true, allowBoolean: true, allowNullish: true },
      ],
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/consistent-type-imports": "error",
      // `onClick={() => setOpen(true)}` is the idiom of React event handlers.
      "@typescript-eslint/no-confusing-void-expression": ["error", { ignoreArrowShorthand: true }],
      // Handlers are async to satisfy Promise-returning interfaces even when their body needs no await.
      "@typescript-eslint/require-await": "off",
      "no-restricted-properties": [
        "error",
        {
          object: "process",
          property: "env",
          message: "Read configuration through the service's validated env module (@gochat/config).",
        },
      ],
    },
  },
  {
    // Tests start services as child processes and hand them an environment.
    files: ["**/env.ts", "**/*.config.ts", "**/*.config.js", "tooling/**", "**/*.test.ts", "**/test/**"],
    rules: { "no-restricted-properties": "off" },
  },
  {
    files: ["**/*.js", "**/*.mjs"],
    extends: [tseslint.configs.disableTypeChecked],
    // Plain scripts run on Node.js.
    languageOptions: { globals: { console: "readonly", process: "readonly" } },
  },
);
