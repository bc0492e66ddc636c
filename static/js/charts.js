// Draws every chart of a page with Chart.js (vendor/charts/chart-library.js,
// loaded before this file). A chart is a <figure data-chart="bar|line|map">
// holding its figures as an HTML table, which stays beside the chart: the page
// reads the same without JavaScript, and no figure is written into a script
// (the Content-Security-Policy allows no inline script).
//
// The table:
// - each <th scope="col" data-series> of the header is one series; its cells
//   carry the number in data-value ("" when there is none);
// - each body row is one bar, point or area, labelled by its first cell (or
//   its data-label); a map's rows name their shape in data-shape;
// - rows marked data-chart-skip (a total) are left out of the chart.
// The figure may say data-chart-min, data-chart-max, data-chart-axis="y"
// (horizontal bars), data-chart-shapes (a map's GeoJSON URL) and
// data-chart-label (the canvas's accessible name). A <details data-chart-collapse>
// around the table is open without JavaScript and closed once the chart is drawn.
(function () {
  "use strict";
  var library = window.SaduakChartLibrary;
  if (!library) {
    return;
  }
  var Chart = library.Chart;
  var style = getComputedStyle(document.documentElement);
  var INK = style.getPropertyValue("--ink").trim() || "#1b1b1f";
  var LINE = style.getPropertyValue("--line").trim() || "#c8cbd2";
  var PALETTE = [
    style.getPropertyValue("--brand").trim() || "#0b3d91",
    "#b35c00",
    "#0f6b2f",
    "#6b2fa0",
  ];
  var FONT = "Sarabun, 'Noto Sans Thai', sans-serif";
  Chart.defaults.font.family = FONT;
  Chart.defaults.font.size = 14;
  Chart.defaults.color = INK;
  Chart.defaults.borderColor = LINE;

  function numberIn(cell) {
    var text = cell ? cell.getAttribute("data-value") : null;
    if (text === null || text === "") {
      return null;
    }
    var value = Number(text);
    return Number.isFinite(value) ? value : null;
  }

  function labelOf(row) {
    var marked = row.querySelector("[data-label]");
    if (row.hasAttribute("data-label")) {
      return row.getAttribute("data-label");
    }
    if (marked && marked.getAttribute("data-label")) {
      return marked.getAttribute("data-label");
    }
    return row.cells[0].textContent.trim();
  }

  function figuresOf(table) {
    var columns = [];
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (cell, index) {
      if (cell.hasAttribute("data-series")) {
        columns.push({ index: index, label: cell.textContent.trim() });
      }
    });
    var rows = [];
    Array.prototype.forEach.call(table.tBodies, function (body) {
      Array.prototype.forEach.call(body.rows, function (row) {
        if (!row.hasAttribute("data-chart-skip")) {
          rows.push(row);
        }
      });
    });
    return {
      rows: rows,
      labels: rows.map(labelOf),
      series: columns.map(function (column) {
        return {
          label: column.label,
          values: rows.map(function (row) {
            return numberIn(row.cells[column.index]);
          }),
        };
      }),
    };
  }

  function bound(figure, name) {
    var text = figure.getAttribute("data-chart-" + name);
    return text === null || text === "" ? undefined : Number(text);
  }

  function canvasFor(figure, rows) {
    var holder = document.createElement("div");
    holder.className = "chart-canvas";
    if (figure.getAttribute("data-chart-axis") === "y") {
      holder.style.height = Math.max(10, rows * 2.2 + 4) + "rem";
    }
    var canvas = document.createElement("canvas");
    canvas.setAttribute("role", "img");
    var caption = figure.querySelector("figcaption");
    canvas.setAttribute(
      "aria-label",
      figure.getAttribute("data-chart-label") ||
        (caption ? caption.textContent.trim() : ""),
    );
    holder.appendChild(canvas);
    figure.insertBefore(holder, caption ? caption.nextSibling : figure.firstChild);
    return canvas;
  }

  function cartesian(figure, type, figures) {
    var horizontal = figure.getAttribute("data-chart-axis") === "y";
    var valueAxis = { min: bound(figure, "min"), max: bound(figure, "max") };
    var canvas = canvasFor(figure, figures.labels.length);
    return new Chart(canvas, {
      type: type,
      data: {
        labels: figures.labels,
        datasets: figures.series.map(function (series, number) {
          var colour = PALETTE[number % PALETTE.length];
          return {
            label: series.label,
            data: series.values,
            backgroundColor: colour,
            borderColor: colour,
            borderWidth: type === "line" ? 3 : 0,
            pointRadius: type === "line" ? 4 : 0,
            spanGaps: true,
          };
        }),
      },
      options: {
        animation: false,
        maintainAspectRatio: false,
        indexAxis: horizontal ? "y" : "x",
        scales: horizontal ? { x: valueAxis } : { y: valueAxis },
        plugins: { legend: { display: figures.series.length > 1 } },
      },
    });
  }

  function drawMap(figure, figures) {
    var url = figure.getAttribute("data-chart-shapes");
    var values = {};
    var names = {};
    var series = figures.series[0];
    figures.rows.forEach(function (row, number) {
      var shape = row.getAttribute("data-shape");
      if (shape) {
        values[shape] = series ? series.values[number] : null;
        names[shape] = figures.labels[number];
      }
    });
    return fetch(url, { credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("The map's shapes did not load: " + response.status);
        }
        return response.json();
      })
      .then(function (shapes) {
        var canvas = canvasFor(figure, 0);
        canvas.parentNode.classList.add("chart-map");
        return new Chart(canvas, {
          type: "choropleth",
          data: {
            labels: shapes.features.map(function (feature) {
              return names[feature.id] || feature.properties.name;
            }),
            datasets: [
              {
                label: series ? series.label : "",
                outline: shapes.features,
                data: shapes.features.map(function (feature) {
                  var value = values[feature.id];
                  return { feature: feature, value: value === undefined ? null : value };
                }),
                borderColor: "#ffffff",
                borderWidth: 0.5,
              },
            ],
          },
          options: {
            animation: false,
            maintainAspectRatio: false,
            plugins: { legend: { display: false } },
            scales: {
              projection: { axis: "x", projection: library.geoIdentity() },
              color: {
                axis: "x",
                interpolate: "blues",
                missing: "#e6e6e6",
                min: bound(figure, "min"),
                max: bound(figure, "max"),
                legend: { position: "bottom-left", align: "right" },
              },
            },
          },
        });
      });
  }

  function draw(figure) {
    var table = figure.querySelector("table");
    if (!table || !table.tHead) {
      return;
    }
    var type = figure.getAttribute("data-chart");
    var figures = figuresOf(table);
    var drawn =
      type === "map" ? drawMap(figure, figures) : cartesian(figure, type, figures);
    Promise.resolve(drawn).then(function () {
      var details = figure.querySelector("details[data-chart-collapse]");
      if (details) {
        details.removeAttribute("open");
      }
      figure.setAttribute("data-chart-drawn", "");
    });
  }

  function drawAll(root) {
    Array.prototype.forEach.call(
      root.querySelectorAll("[data-chart]:not([data-chart-drawn])"),
      draw,
    );
  }

  drawAll(document);
  document.addEventListener("htmx:afterSettle", function (event) {
    drawAll(event.target);
  });
})();
