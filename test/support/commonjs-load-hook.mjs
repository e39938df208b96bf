// Module hook for commonjs-loading.int.test.ts: reports each CommonJS module that reaches Node's ESM loader (an ESM
// `import` of a CommonJS package), one URL per line on stderr. Modules loaded with require() never come here.
export async function load(url, context, nextLoad) {
  const result = await nextLoad(url, context);
  if (result.format === 'commonjs') process.stderr.write(`commonjs-via-esm ${url}\n`);
  return result;
}
