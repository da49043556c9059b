import './theme.css';
import './components/oar-app';
