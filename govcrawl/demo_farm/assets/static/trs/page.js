/* TRS WCM pager: writes the page links of a list column.
   Two call forms exist on real TRS sites:
   createPageHTML(nPageCount, nCurrIndex, sPageName, sPageExt)
   createPageHTML(sDivId, nPageCount, nCurrIndex, sPageName, sPageExt, nRecordCount) */
function createPageHTML() {
  var a = arguments, divId = null, count, cur, name, ext, total = null;
  if (typeof a[0] === "string") {
    divId = a[0]; count = a[1]; cur = a[2]; name = a[3]; ext = a[4]; total = a[5];
  } else {
    count = a[0]; cur = a[1]; name = a[2]; ext = a[3];
  }
  function href(i) { return i === 0 ? name + "." + ext : name + "_" + i + "." + ext; }
  var html = [];
  if (total !== null) { html.push("<span>共" + total + "条</span>"); }
  html.push("<span>共" + count + "页</span>");
  if (cur > 0) {
    html.push('<a href="' + href(0) + '">首页</a>');
    html.push('<a href="' + href(cur - 1) + '">上一页</a>');
  } else {
    html.push("<span>首页</span><span>上一页</span>");
  }
  for (var i = 0; i < count; i++) {
    html.push(i === cur ? "<span class='cur'>" + (i + 1) + "</span>"
                        : '<a href="' + href(i) + '">' + (i + 1) + "</a>");
  }
  if (cur < count - 1) {
    html.push('<a href="' + href(cur + 1) + '">下一页</a>');
    html.push('<a href="' + href(count - 1) + '">尾页</a>');
  } else {
    html.push("<span>下一页</span><span>尾页</span>");
  }
  if (divId && document.getElementById(divId)) {
    document.getElementById(divId).innerHTML = html.join(" ");
  } else {
    document.write(html.join(" "));
  }
}
function doZoom(size) {
  var el = document.getElementById("zoom");
  if (el) { el.style.fontSize = size + "px"; }
}
