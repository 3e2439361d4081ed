/**
 * `npm run lint:cycles`: no import cycles anywhere, counting `import type` too. A cycle of type-only
 * imports is erased at run time but is still two files that each need the other to be understood;
 * that is what src/context.ts importing every module (and every module importing it back) was.
 */
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: "no-circular",
      severity: "error",
      comment: "Files depend on each other one way only. Tie modules together in the composition root, src/app.ts.",
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "^(node_modules|dist|coverage|\\.data)/" },
    // Count imports TypeScript erases (`import type`, type-only specifiers) as dependencies too.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: { extensions: [".ts", ".js", ".json"] },
  },
};
