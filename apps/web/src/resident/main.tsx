/** @jsxImportSource preact */
import { render } from 'preact';
import { PublicApp } from './App';
import { loadLanguage } from './words';
import './resident.css';

const root = document.getElementById('root');
if (root) {
  void loadLanguage().then(() => render(<PublicApp />, root));
}
