import { render } from 'preact';
import { App, ApiMissing } from './app.js';
import { kortkollApi } from './api.js';
import { createStateSource } from './state-source.js';
import './styles.css';

performance.mark('kortkoll:app-start');
const root = document.getElementById('app');
const api = kortkollApi();
if (root) render(api ? <App api={api} source={createStateSource(api)} /> : <ApiMissing />, root);
