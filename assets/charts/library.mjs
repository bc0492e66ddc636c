// The charting library the browser needs, bundled by build.mjs into one file
// (node_modules/.saduak/charts/chart-library.js, served as vendor/charts/):
// Chart.js 4 with the bar and line charts, and chartjs-chart-geo's
// choropleth drawn with an identity projection (the province shapes are
// already projected). static/js/charts.js uses the global it sets.
import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
} from "chart.js";
import {
  ChoroplethController,
  ColorScale,
  GeoFeature,
  ProjectionScale,
} from "chartjs-chart-geo";
import { geoIdentity } from "d3-geo";

Chart.register(
  BarController,
  BarElement,
  CategoryScale,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
  ChoroplethController,
  ColorScale,
  GeoFeature,
  ProjectionScale,
);

window.SaduakChartLibrary = { Chart, geoIdentity };
