// Types of scripts/test-tree.mjs for the TypeScript that imports it (its test).

/** buildTestTree writes the JavaScript tree of `root` into `into` (a fresh folder); returns how many files it transpiled. */
export declare function buildTestTree(root: string, into: string): { files: number };
/** treePath is where `file` (a .ts/.tsx path under `root`) runs from in the tree at `into`. */
export declare function treePath(root: string, into: string, file: string): string;
/** runsFromSource tells whether a test file carries the `// test-from-source:` marker (it runs through tsx, not from the tree). */
export declare function runsFromSource(file: string): boolean;
