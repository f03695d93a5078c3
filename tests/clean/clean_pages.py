# ruff: noqa: E501 - HTML fixture templates keep their real line shapes
"""HTML pages built for the clean tests in the seeds' original layouts.

TRS articles (seeds 000, 003) nest the page in layout tables with the chrome around the body;
the Hanweb article (seed 001) adds a login box; the VSB article (seed 002) carries the report
tables as real HTML tables with the official template's row and column spans.
"""

from __future__ import annotations

from html import escape

TRS_TEMPLATE = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>{title}_定西市人民政府</title></head>
<body>
<table width="1000" align="center"><tr><td>
  <table width="100%"><tr><td class="nav"><a href="/">首页</a></td><td><a href="/xxgk/">政府信息公开</a>
    </td><td><a href="/zwfw/">政务服务</a></td></tr></table>
  <table width="100%"><tr><td class="position">当前位置：首页 &gt; 政府信息公开 &gt; 年报</td></tr></table>
  <table width="100%"><tr><td>
    <table width="100%">
      <tr><td class="title"><h1>{title}</h1></td></tr>
      <tr><td class="info">发布时间：2024-01-15 字号：[ 大 中 小 ]</td></tr>
      <tr><td><div class="TRS_Editor">{body}</div></td></tr>
      <tr><td>责任编辑：{editor}</td></tr>
      <tr><td>分享到：<a href="#">微信</a><a href="#">微博</a></td></tr>
      <tr>
        <td>[ <a href="javascript:print()">打印本页</a> | <a href="javascript:close()">关闭窗口</a> ]</td>
        </tr>
    </table>
  </td></tr></table>
  <table width="100%"><tr><td>上一篇：定西市2022年政府信息公开工作年度报告</td></tr>
  <tr><td>下一篇：无</td></tr></table>
  <table width="100%"><tr><td class="footer">主办：定西市人民政府办公室 备案号：陇ICP备05000000号</td></tr></table>
</td></tr></table>
</body></html>
"""

HANWEB_TEMPLATE = """<!DOCTYPE html>
<html><head><meta charset="gb2312"><title>{title}_合水县人民政府</title></head>
<body>
<div class="header"><a href="/">首页</a> <a href="/col/col1234/index.html">政府信息公开年报</a></div>
<div class="position">您的位置：首页 &gt; 信息公开 &gt; 年报</div>
<table class="layout" width="100%"><tr><td>
<div class="article">
<h1 class="title">{title}</h1>
<div class="size">字号：大 中 小</div>
<div id="zoom">{body}</div>
<div class="share">分享到：</div>
<div>扫一扫在手机打开当前页</div>
</div>
</td></tr></table>
<div class="login"><p>账号+密码登录</p><p>手机+密码登录</p><p>还没有账号？<a href="#">立即注册</a></p></div>
<div class="footer">相关链接：<a href="#">甘肃省人民政府</a></div>
</body></html>
"""


def paragraphs_html(lines: list[str]) -> str:
    return "\n".join(f"<p>{escape(line)}</p>" for line in lines)


def table_html(rows: list[list[tuple[str, int, int]]]) -> str:
    """<table> from rows of (text, rowspan, colspan) origin cells."""
    out = ['<table border="1">']
    for row in rows:
        cells = "".join(
            f'<td rowspan="{rs}" colspan="{cs}"><p>{escape(text)}</p></td>' for text, rs, cs in row
        )
        out.append(f"<tr>{cells}</tr>")
    out.append("</table>")
    return "\n".join(out)


def trs_page(title: str, body_html: str, editor: str) -> str:
    return TRS_TEMPLATE.format(title=escape(title), body=body_html, editor=escape(editor))


def hanweb_page(title: str, body_html: str) -> str:
    return HANWEB_TEMPLATE.format(title=escape(title), body=body_html)
