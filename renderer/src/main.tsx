import { render } from 'preact';
import { App, ApiMissing } from './app.js';
import { kortkollApi } from './api.js';
import './styles.css';

const root = document.getElementById('app');
const api = kortkollApi();
if (root) render(api ? <App api={api} /> : <ApiMissing />, root);
