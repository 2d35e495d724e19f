// The consensus panel's report page and its figures.
export { PANEL_FIGURES, panelFigures, type PanelFigure } from './figures.js';
export { panelReport, type PanelReportInput } from './panel-report.js';
