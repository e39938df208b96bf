/* Types of check-docs.mjs for the TypeScript tests that import it. */
export declare function checkDocs(docs: ReadonlyMap<string, string>, exists: (path: string) => boolean): string[];
export declare function checkApiReference(packageName: string, exportNames: readonly string[], markdown: string): string[];
