// @ts-check
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["dist/", "node_modules/", ".data/", "coverage/"] },
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        // Type-checked rules: each file is linted with the types of the tsconfig.json that includes it.
        projectService: { allowDefaultProject: ["*.js", "*.mjs", "*.cjs"] },
        tsconfigRootDir: import.meta.dirname,
        // Classes in decorated signatures are runtime values (decorator metadata): keep them as imports.
        emitDecoratorMetadata: true,
        experimentalDecorators: true,
      },
    },
    rules: {
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/consistent-type-imports": ["error", { fixStyle: "inline-type-imports", disallowTypeAnnotations: false }],
      "no-restricted-syntax": ["error", { selector: "ExportDefaultDeclaration", message: "Use named exports." }],
      // Off: an async function with nothing to await is how this code implements a Promise-returning
      // signature (`stop: async () => undefined`, a test case's `variables: async () => ({…})`), and
      // `async` also turns a throw into a rejection. The type-checked rule that matters,
      // no-floating-promises, stays on.
      "@typescript-eslint/require-await": "off",
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
    // Tests reach into results typed `any` by their libraries: Jest's asymmetric matchers
    // (`expect.any(String)`, `expect.objectContaining(…)`) and TypeORM's raw `db.query(sql)`. Typing
    // each would add casts, not safety: the assertions check those values at run time.
    files: ["test/**/*.ts"],
    rules: {
      "@typescript-eslint/no-unsafe-argument": "off",
      "@typescript-eslint/no-unsafe-assignment": "off",
      "@typescript-eslint/no-unsafe-call": "off",
      "@typescript-eslint/no-unsafe-member-access": "off",
      "@typescript-eslint/no-unsafe-return": "off",
    },
  },
  {
    // Plain JavaScript configuration files: no types to check against.
    files: ["**/*.js", "**/*.mjs", "**/*.cjs"],
    ...tseslint.configs.disableTypeChecked,
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
