import './components/oar-app';
