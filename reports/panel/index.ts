// The consensus panel's report page and its figures.
export { panelFigures } from './figures.js';
export { panelReport, type PanelReportInput } from './panel-report.js';
