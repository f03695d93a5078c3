/* Report list of the JS-only portal: reads ?page=N, asks the JSON API, writes the links. */
(function () {
  "use strict";
  var SIZE = 10;
  var params = new URLSearchParams(window.location.search);
  var page = parseInt(params.get("page") || "1", 10);
  if (!(page >= 1)) { page = 1; }
  var box = document.getElementById("report-list");

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text) { node.textContent = text; }
    return node;
  }

  fetch("/api/reports?page=" + page + "&size=" + SIZE)
    .then(function (resp) {
      if (!resp.ok) { throw new Error("HTTP " + resp.status); }
      return resp.json();
    })
    .then(function (data) {
      var ul = el("ul", { "class": "report-items" });
      data.items.forEach(function (item) {
        var li = el("li", {});
        li.appendChild(el("a", { "class": "report-link", "href": item.url }, item.title));
        li.appendChild(el("span", { "class": "date" }, item.date));
        ul.appendChild(li);
      });
      box.appendChild(ul);
      if (data.page * data.size < data.total) {
        box.appendChild(el("a", { "class": "next", "href": "list.html?page=" + (data.page + 1) },
                           "下一页"));
      }
    })
    .catch(function (err) {
      box.appendChild(el("p", { "class": "error" }, "列表加载失败：" + err.message));
    });
})();
