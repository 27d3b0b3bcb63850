// The theme VS Code gives a webview, for the headless tests: the body class it sets and the
// --vscode-* colours the panels use, from VS Code's default Light Modern, Dark Modern and Dark High
// Contrast themes. Served as a stylesheet, since the CSP under test allows no inline style.

export type ThemeKind = 'light' | 'dark' | 'high-contrast';

export const bodyClass: Record<ThemeKind, string> = {
  light: 'vscode-light',
  dark: 'vscode-dark',
  'high-contrast': 'vscode-high-contrast',
};

/** What the page computes from each theme's colours: the body's background (editor-background) and charts-green. */
export const computedColours: Record<ThemeKind, { readonly background: string; readonly green: string }> = {
  light: { background: 'rgb(255, 255, 255)', green: 'rgb(56, 138, 52)' },
  dark: { background: 'rgb(31, 31, 31)', green: 'rgb(137, 209, 133)' },
  'high-contrast': { background: 'rgb(0, 0, 0)', green: 'rgb(137, 209, 133)' },
};

const colours: Record<ThemeKind, Record<string, string>> = {
  light: {
    foreground: '#3b3b3b',
    descriptionForeground: '#717171',
    'editor-background': '#ffffff',
    'editorWidget-background': '#f8f8f8',
    'widget-border': '#e5e5e5',
    'panel-border': '#e5e5e5',
    focusBorder: '#005fb8',
    'toolbar-hoverBackground': 'rgba(184, 184, 184, 0.31)',
    'input-background': '#ffffff',
    'charts-green': '#388a34',
    'charts-yellow': '#bf8803',
    'charts-red': '#e51400',
    'charts-blue': '#1a85ff',
    'charts-purple': '#652d90',
    'charts-foreground': '#616161',
    'badge-background': '#cccccc',
    'badge-foreground': '#3b3b3b',
    'menu-background': '#ffffff',
    'menu-foreground': '#3b3b3b',
    'menu-border': '#cecece',
    'menu-selectionBackground': '#005fb8',
    'menu-selectionForeground': '#ffffff',
    'dropdown-background': '#ffffff',
    'dropdown-border': '#cecece',
    'dropdown-foreground': '#3b3b3b',
    'textLink-foreground': '#005fb8',
    'widget-shadow': 'rgba(0, 0, 0, 0.16)',
  },
  dark: {
    foreground: '#cccccc',
    descriptionForeground: '#9d9d9d',
    'editor-background': '#1f1f1f',
    'editorWidget-background': '#202020',
    'widget-border': '#313131',
    'panel-border': '#2b2b2b',
    focusBorder: '#0078d4',
    'toolbar-hoverBackground': 'rgba(90, 93, 94, 0.31)',
    'input-background': '#313131',
    'charts-green': '#89d185',
    'charts-yellow': '#cca700',
    'charts-red': '#f14c4c',
    'charts-blue': '#3794ff',
    'charts-purple': '#b180d7',
    'charts-foreground': '#cccccc',
    'badge-background': '#616161',
    'badge-foreground': '#f8f8f8',
    'menu-background': '#1f1f1f',
    'menu-foreground': '#cccccc',
    'menu-border': '#454545',
    'menu-selectionBackground': '#0078d4',
    'menu-selectionForeground': '#ffffff',
    'dropdown-background': '#313131',
    'dropdown-border': '#3c3c3c',
    'dropdown-foreground': '#cccccc',
    'textLink-foreground': '#4daafc',
    'widget-shadow': 'rgba(0, 0, 0, 0.36)',
  },
  'high-contrast': {
    foreground: '#ffffff',
    descriptionForeground: '#ffffff',
    'editor-background': '#000000',
    'editorWidget-background': '#0c141f',
    contrastBorder: '#6fc3df',
    focusBorder: '#f38518',
    'input-background': '#000000',
    'charts-green': '#89d185',
    'charts-yellow': '#ffd700',
    'charts-red': '#f48771',
    'charts-blue': '#3794ff',
    'charts-purple': '#b180d7',
    'charts-foreground': '#ffffff',
    'badge-background': '#000000',
    'badge-foreground': '#ffffff',
    'menu-background': '#000000',
    'menu-foreground': '#ffffff',
    'menu-border': '#6fc3df',
    'menu-selectionBorder': '#f38518',
    'dropdown-background': '#000000',
    'dropdown-border': '#6fc3df',
    'dropdown-foreground': '#ffffff',
    'textLink-foreground': '#21a6ff',
  },
};

export function themeCss(kind: ThemeKind): string {
  const variables = Object.entries(colours[kind]).map(([name, value]) => `  --vscode-${name}: ${value};`);
  return `:root {\n  --vscode-font-family: system-ui, sans-serif;\n  --vscode-font-size: 13px;\n${variables.join('\n')}\n}\n`;
}
