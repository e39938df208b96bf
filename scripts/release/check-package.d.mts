/* Types of check-package.mjs for the TypeScript tests that import it. */
export declare const SHARED_WITH_APP: readonly string[];
export declare const FOREIGN_REFERENCE: RegExp;
/** Every problem of one unpacked tarball (path inside the package → text); empty when it may be published. */
export declare function checkPackage(files: ReadonlyMap<string, string>): string[];
