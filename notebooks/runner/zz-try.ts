import { readNotebook, typecheckNotebooks } from './index.js';
const t = Date.now();
console.log(await typecheckNotebooks([['00-kit-tour', readNotebook('notebooks/00-kit-tour.ipynb')]], process.cwd()), Date.now() - t);
