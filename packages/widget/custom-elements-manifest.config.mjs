// `cem analyze` (run by `npm run build`): custom-elements.json, the Custom Elements Manifest that
// editors, linters and Storybook read, from the element's source and its JSDoc (@attr, @fires,
// @csspart, @cssproperty). https://custom-elements-manifest.open-wc.org/analyzer/config/
export default {
  globs: ['src/**/*.ts'],
  exclude: ['src/**/*.test.ts', 'src/testing.ts', 'src/admin/**'],
  outdir: '.',
  litelement: true,
  plugins: [
    {
      // The manifest describes the published package, whose modules are dist/*.js, not src/*.ts.
      name: 'published-paths',
      packageLinkPhase({ customElementsManifest }) {
        const published = (p) => p.replace(/^\/?src\/(.*)\.[jt]s$/, 'dist/$1.js');
        for (const mod of customElementsManifest.modules) {
          mod.path = published(mod.path);
          for (const item of [...(mod.declarations ?? []), ...(mod.exports ?? [])]) {
            for (const ref of [item.declaration, item.superclass, item.inheritedFrom]) if (ref?.module) ref.module = published(ref.module);
          }
        }
      },
    },
  ],
};
