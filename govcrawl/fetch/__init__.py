"""The fetch stage: find annual-report pages, their attachments and mirror copies.

Spiders are built per portal from the registry (`govcrawl.fetch.registry`), on a base class
per CMS family (`govcrawl.fetch.families`). Every family shares one report decision
(`govcrawl.fetch.recognize`) and one item shape (`govcrawl.fetch.base.ReportSpider`), so a
report is a report whichever CMS served it.
"""
