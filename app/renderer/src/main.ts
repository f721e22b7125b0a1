import { mount } from 'svelte';
import './app.css';
import { selectBackend } from './lib/backend/select-backend.ts';
import { AppState } from './lib/state/app-state.svelte.ts';
import App from './views/App.svelte';

const app = new AppState(selectBackend());
mount(App, { target: document.getElementById('app')!, props: { app } });
app.start();
