// @ts-check
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["dist/", "node_modules/", ".data/", "coverage/"] },
  ...tseslint.configs.recommended,
  {
    // Classes in decorated signatures are runtime values (decorator metadata): keep them as imports.
    languageOptions: { parserOptions: { emitDecoratorMetadata: true, experimentalDecorators: true } },
    rules: {
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/consistent-type-imports": ["error", { fixStyle: "inline-type-imports", disallowTypeAnnotations: false }],
      "no-restricted-syntax": ["error", { selector: "ExportDefaultDeclaration", message: "Use named exports." }],
    },
  },
  {
    // A module reaches another module only through its index.ts.
    files: ["src/modules/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        { patterns: [{ regex: "^\\.\\./(?!shared/)[a-z-]+/", message: "Import another module through its index: '../<module>'." }] },
      ],
    },
  },
  {
    // Tools that require a default export.
    files: ["test/global-setup.ts", "test/global-teardown.ts", "eslint.config.mjs"],
    rules: { "no-restricted-syntax": "off" },
  },
  {
    files: ["jest.config.js"],
    rules: { "@typescript-eslint/no-require-imports": "off" },
  },
);
