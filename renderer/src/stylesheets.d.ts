// A stylesheet is imported for its side effect only (main.tsx: `import './styles.css'`); Vite bundles
// it. TypeScript 6 checks that side-effect imports resolve (noUncheckedSideEffectImports), and a .css
// file has no types of its own: this says such a module exists and exports nothing. A stylesheet
// that does not exist still fails the build (Vite cannot resolve it).
declare module '*.css';
