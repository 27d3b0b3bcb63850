// A panel's entry imports its stylesheets; esbuild bundles them into the panel's main.css.
declare module '*.css';
