# ruff: noqa: E501  (the expected tables are up to 120 columns wide)
"""Tables a person can read: every listing laid out by the one rule of ccifacts.fit at the width
it is drawn at (the terminal's, or $COLUMNS for --format table in a pipe). The bundled base's
`sector aviation`, `sectors`, `changes`, `summary` and the first ten of `search ILSTC` at 60, 80,
100 and 120 columns, exactly (figures with their qualifier and unit: "nearly 1,700 metric
tons", "860,000 TEU"); each step of the rule on the small hand-written base, exactly; and, for every
listing command at several widths, that no line is wider than the screen and no id is broken."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ccifacts.render import render_table, to_text
from ccifacts.views import FACT, Listing
from conftest import minimal, run, write

RULE = "\u2500"  # the rule under the headings


def table(*args: str, width: int | None = None) -> str:
    """What `ccifacts ARGS --format table` prints into a pipe, $COLUMNS set to ``width``."""
    env = {"COLUMNS": str(width)} if width else None
    result = run(*args, "--format", "table", env=env)
    assert (result.code, result.stderr) == (0, "")
    return result.stdout


# --- the bundled base at four widths ----------------------------------------------------------
# An id wider than its column takes a line of its own and its row follows on the next line; a
# row with nothing else to show (aviation.industry-park-plan-2018-yidaiyilu at 60) leaves no
# blank line behind.

BUNDLED: dict[tuple[str, int], str] = {
    ("sector aviation", 60): """\
Aviation: Flights, passengers and air cargo between
Chongqing and Singapore.
ID                                                     Value
───────────────────────────────────────  ───────────────────
aviation.air-corridor
aviation.weekly-flights                          24 per week
aviation.flight-movements                    more than 1,900
aviation.passengers                        more than 230,000
aviation.cargo                               more than 1,400
                                                 metric tons
culture-tourism.route-passengers-2024                252,400
culture-tourism.route-passenger-share-2024
                                                         20%
aviation.flights-mou-2016-asiaone
aviation.weekly-flights-2025-ichongqing          24 per week
aviation.weekly-flights-2015-ichongqing     about 5 per week
aviation.weekly-flights-2016-ichongqing          17 per week
aviation.weekly-flights-increase-2016-ichongqing
                                                        240%
aviation.daily-service-2025-ichongqing
aviation.chongqing-airlines-frequency-2025-ichongqing
                                                  3 per week
aviation.chongqing-airlines-round-trips-2025-ichongqing
                                             more than 1,000
aviation.chongqing-airlines-passengers-2025-ichongqing
                                           more than 250,000
aviation.weekly-flights-2018-mti                 14 per week
aviation.weekly-flights-2025-mti                 24 per week
aviation.weekly-flights-2018-st                  14 per week
aviation.flights-kept-running-2020-st
aviation.route-passengers-2021-xinhua        more than 3,400
aviation.route-cargo-2021-xinhua         nearly 1,700 metric
                                                        tons
aviation.route-passenger-share-2021-xinhua
                                                         40%
aviation.route-passengers-2024-xinhua                252,400
aviation.weekly-flights-2018-yidaiyilu           14 per week
aviation.industry-park-plan-2018-yidaiyilu
""",
    ("sector aviation", 80): """\
Aviation: Flights, passengers and air cargo between Chongqing and Singapore.
ID                                                                         Value
──────────────────────────────────────────────────────  ────────────────────────
aviation.air-corridor
aviation.weekly-flights                                              24 per week
aviation.flight-movements                                        more than 1,900
aviation.passengers                                            more than 230,000
aviation.cargo                                            more than 1,400 metric
                                                                            tons
culture-tourism.route-passengers-2024                                    252,400
culture-tourism.route-passenger-share-2024                                   20%
aviation.flights-mou-2016-asiaone
aviation.weekly-flights-2025-ichongqing                              24 per week
aviation.weekly-flights-2015-ichongqing                         about 5 per week
aviation.weekly-flights-2016-ichongqing                              17 per week
aviation.weekly-flights-increase-2016-ichongqing                            240%
aviation.daily-service-2025-ichongqing
aviation.chongqing-airlines-frequency-2025-ichongqing                 3 per week
aviation.chongqing-airlines-round-trips-2025-ichongqing
                                                                 more than 1,000
aviation.chongqing-airlines-passengers-2025-ichongqing         more than 250,000
aviation.weekly-flights-2018-mti                                     14 per week
aviation.weekly-flights-2025-mti                                     24 per week
aviation.weekly-flights-2018-st                                      14 per week
aviation.flights-kept-running-2020-st
aviation.route-passengers-2021-xinhua                            more than 3,400
aviation.route-cargo-2021-xinhua                        nearly 1,700 metric tons
aviation.route-passenger-share-2021-xinhua                                   40%
aviation.route-passengers-2024-xinhua                                    252,400
aviation.weekly-flights-2018-yidaiyilu                               14 per week
aviation.industry-park-plan-2018-yidaiyilu
""",
    ("sector aviation", 100): """\
Aviation: Flights, passengers and air cargo between Chongqing and Singapore.
ID                                                                             Value
───────────────────────────────────────────────────────  ───────────────────────────
aviation.air-corridor
aviation.weekly-flights                                                  24 per week
aviation.flight-movements                                            more than 1,900
aviation.passengers                                                more than 230,000
aviation.cargo                                           more than 1,400 metric tons
culture-tourism.route-passengers-2024                                        252,400
culture-tourism.route-passenger-share-2024                                       20%
aviation.flights-mou-2016-asiaone
aviation.weekly-flights-2025-ichongqing                                  24 per week
aviation.weekly-flights-2015-ichongqing                             about 5 per week
aviation.weekly-flights-2016-ichongqing                                  17 per week
aviation.weekly-flights-increase-2016-ichongqing                                240%
aviation.daily-service-2025-ichongqing
aviation.chongqing-airlines-frequency-2025-ichongqing                     3 per week
aviation.chongqing-airlines-round-trips-2025-ichongqing              more than 1,000
aviation.chongqing-airlines-passengers-2025-ichongqing             more than 250,000
aviation.weekly-flights-2018-mti                                         14 per week
aviation.weekly-flights-2025-mti                                         24 per week
aviation.weekly-flights-2018-st                                          14 per week
aviation.flights-kept-running-2020-st
aviation.route-passengers-2021-xinhua                                more than 3,400
aviation.route-cargo-2021-xinhua                            nearly 1,700 metric tons
aviation.route-passenger-share-2021-xinhua                                       40%
aviation.route-passengers-2024-xinhua                                        252,400
aviation.weekly-flights-2018-yidaiyilu                                   14 per week
aviation.industry-park-plan-2018-yidaiyilu
""",
    ("sector aviation", 120): """\
Aviation: Flights, passengers and air cargo between Chongqing and Singapore.
ID                                                     Label                                                       Value
─────────────────────────────────────────────────────  ──────────────────────────────────────────────  ─────────────────
aviation.air-corridor                                  Chongqing-Singapore Air Corridor established
aviation.weekly-flights                                Weekly flights, Chongqing-Singapore                   24 per week
aviation.flight-movements                              Flight movements, Chongqing-Singapore             more than 1,900
aviation.passengers                                    Air passengers, Chongqing-Singapore             more than 230,000
aviation.cargo                                         Air cargo, Chongqing-Singapore                    more than 1,400
                                                                                                             metric tons
culture-tourism.route-passengers-2024                  Chongqing-Singapore air route passengers in               252,400
                                                       2024
culture-tourism.route-passenger-share-2024             Route's share of Chongqing port passenger                     20%
                                                       throughput in 2024
aviation.flights-mou-2016-asiaone                      MOU to add Chongqing-Singapore flights
aviation.weekly-flights-2025-ichongqing                Direct Chongqing-Singapore flights a week             24 per week
aviation.weekly-flights-2015-ichongqing                Weekly Chongqing-Singapore flights at the        about 5 per week
                                                       launch
aviation.weekly-flights-2016-ichongqing                Weekly Chongqing-Singapore flights in 2016            17 per week
aviation.weekly-flights-increase-2016-ichongqing       Increase in weekly flights in 2016                           240%
aviation.daily-service-2025-ichongqing                 Chongqing-Singapore flights run daily
aviation.chongqing-airlines-frequency-2025-ichongqing  Chongqing Airlines' earlier frequency on the           3 per week
                                                       route
aviation.chongqing-airlines-round-trips-2025-ichongqing
                                                       Chongqing Airlines round trips on the route       more than 1,000
aviation.chongqing-airlines-passengers-2025-ichongqing
                                                       Chongqing Airlines passengers on the route      more than 250,000
aviation.weekly-flights-2018-mti                       Weekly flights between Singapore and Chongqing        14 per week
aviation.weekly-flights-2025-mti                       Direct Singapore-Chongqing flights a week             24 per week
aviation.weekly-flights-2018-st                        Weekly flights between Singapore and Chongqing        14 per week
aviation.flights-kept-running-2020-st                  Singapore-Chongqing flights kept operating in
                                                       the pandemic
aviation.route-passengers-2021-xinhua                  Passengers on the Chongqing-Singapore air         more than 3,400
                                                       route
aviation.route-cargo-2021-xinhua                       Cargo on the Chongqing-Singapore air route           nearly 1,700
                                                                                                             metric tons
aviation.route-passenger-share-2021-xinhua             Singapore route's share of international-route                40%
                                                       passengers at Jiangbei airport
aviation.route-passengers-2024-xinhua                  Passengers on the Chongqing-Singapore air                 252,400
                                                       route
aviation.weekly-flights-2018-yidaiyilu                 Weekly flights between Chongqing and Singapore        14 per week
aviation.industry-park-plan-2018-yidaiyilu             Planned aviation industry park
""",
    ("sectors", 60): """\
Sectors
ID                        Name                         Facts
────────────────────────  ───────────────────────────  ─────
programme                 Programme                      104
logistics                 Logistics                      115
finance                   Finance                         75
aviation                  Aviation                        26
information-technology    Information technology           7
science-education         Science, technology and          5
                          education
culture-tourism           Culture and tourism              5
institutional-innovation  Institutional innovation         3
digital-economy           Digital economy                  4
green-development         Green development                3
""",
    ("sectors", 80): """\
Sectors
ID                       Name                 Facts  Aliases
───────────────────────  ───────────────────  ─────  ───────────────────────────
programme                Programme              104  cci; totals; overall;
                                                     program; programme totals
logistics                Logistics              115  ilstc; corridor; land-sea;
                                                     trade; freight; rail
finance                  Finance                 75  financial; financing;
                                                     banking; settlement
aviation                 Aviation                26  air; flights; airline; air
                                                     transport
information-technology   Information              7  it; ict; data; tech
                         technology
science-education        Science, technology      5  sci-tech; science;
                         and education               education; research; talent
culture-tourism          Culture and tourism      5  culture; tourism; travel;
                                                     people flow
institutional-innovation
                         Institutional            3  innovation; institutional;
                         innovation                  customs; policy
digital-economy          Digital economy          4  digital
green-development        Green development        3  green; low-carbon;
                                                     sustainability
""",
    ("sectors", 100): """\
Sectors
ID                        Name                      Facts  Aliases
────────────────────────  ────────────────────────  ─────  ─────────────────────────────────────────
programme                 Programme                   104  cci; totals; overall; program; programme
                                                           totals
logistics                 Logistics                   115  ilstc; corridor; land-sea; trade;
                                                           freight; rail
finance                   Finance                      75  financial; financing; banking; settlement
aviation                  Aviation                     26  air; flights; airline; air transport
information-technology    Information technology        7  it; ict; data; tech
science-education         Science, technology and       5  sci-tech; science; education; research;
                          education                        talent
culture-tourism           Culture and tourism           5  culture; tourism; travel; people flow
institutional-innovation  Institutional innovation      3  innovation; institutional; customs;
                                                           policy
digital-economy           Digital economy               4  digital
green-development         Green development             3  green; low-carbon; sustainability
""",
    ("sectors", 120): """\
Sectors
ID                        Name                               Facts  Aliases
────────────────────────  ─────────────────────────────────  ─────  ───────────────────────────────────────────────
programme                 Programme                            104  cci; totals; overall; program; programme totals
logistics                 Logistics                            115  ilstc; corridor; land-sea; trade; freight; rail
finance                   Finance                               75  financial; financing; banking; settlement
aviation                  Aviation                              26  air; flights; airline; air transport
information-technology    Information technology                 7  it; ict; data; tech
science-education         Science, technology and education      5  sci-tech; science; education; research; talent
culture-tourism           Culture and tourism                    5  culture; tourism; travel; people flow
institutional-innovation  Institutional innovation               3  innovation; institutional; customs; policy
digital-economy           Digital economy                        4  digital
green-development         Green development                      3  green; low-carbon; sustainability
""",
    ("changes", 60): """\
Changes (before -> after)
ID                               After                Change
─────────  ───────────────────────────  ────────────────────
logistics.rail-sea-transit-days
                                7 days        -30% (derived)
aviation.weekly-flights
                           24 per week       +380% (derived)
aviation.flight-movements
                       more than 1,900                +20.2%
aviation.passengers
                     more than 230,000                +13.6%
aviation.cargo
           more than 1,400 metric tons                 +2.5%
information-technology.transmission-efficiency
                          more than 3x       +200% (derived)
culture-tourism.people-flow-growth
                                    5x       +400% (derived)
culture-tourism.singapore-overnight-tourists-growth
                                    7x       +600% (derived)
culture-tourism.route-passengers-2024
                               252,400               +237.3%
logistics.ilstc-teu-2023-gt
                           860,000 TEU                  +14%
logistics.ilstc-goods-categories-2025-ichongqing
                                 1,150     +2,200% (derived)
aviation.weekly-flights-2025-ichongqing
                           24 per week       +380% (derived)
aviation.weekly-flights-2016-ichongqing
                           17 per week       +240% (derived)
aviation.weekly-flights-2018-mti
                           14 per week       +180% (derived)
logistics.ilstc-container-growth-2025-mti
                            nearly 10x       +900% (derived)
programme.singapore-investment-2024-mti
                      USD 12.7 billion    +122.81% (derived)
logistics.ilstc-teu-chongqing-2024-nca
                           251,800 TEU                  +41%
logistics.ilstc-goods-value-chongqing-2024-nca
                      RMB 46.7 billion                  +67%
logistics.ilstc-train-trips-annual-2024-nca
                      more than 10,000  +1,011.11% (derived)
logistics.ilstc-teu-2022-pd
                           379,000 TEU                +33.4%
programme.initiatives-garnered-2016-st
                                   260  +2,263.64% (derived)
programme.initiatives-value-2016-st
                       USD 115 billion  +1,653.05% (derived)
aviation.weekly-flights-2018-st
                           14 per week       +180% (derived)
logistics.ilstc-train-trips-chongqing-2021-xinhua
                                 2,036                  +53%
logistics.ilstc-teu-chongqing-2022-xinhua
                 more than 148,000 TEU                  +32%
logistics.ilstc-goods-value-chongqing-2022-xinhua
                     RMB 25.12 billion                  +34%
logistics.ilstc-teu-2025-xinhua
                           104,000 TEU                +30.9%
aviation.route-passengers-2024-xinhua
                               252,400               +237.3%
aviation.weekly-flights-2018-yidaiyilu
                           14 per week       +180% (derived)
""",
    ("changes", 80): """\
Changes (before -> after)
ID                                                             After      Change
─────────────────────────────────────────────────  ─────────────────  ──────────
logistics.rail-sea-transit-days                               7 days        -30%
                                                                       (derived)
aviation.weekly-flights                                  24 per week       +380%
                                                                       (derived)
aviation.flight-movements                            more than 1,900      +20.2%
aviation.passengers                                more than 230,000      +13.6%
aviation.cargo                                       more than 1,400       +2.5%
                                                         metric tons
information-technology.transmission-efficiency          more than 3x       +200%
                                                                       (derived)
culture-tourism.people-flow-growth                                5x       +400%
                                                                       (derived)
culture-tourism.singapore-overnight-tourists-growth
                                                                  7x       +600%
                                                                       (derived)
culture-tourism.route-passengers-2024                        252,400     +237.3%
logistics.ilstc-teu-2023-gt                              860,000 TEU        +14%
logistics.ilstc-goods-categories-2025-ichongqing               1,150     +2,200%
                                                                       (derived)
aviation.weekly-flights-2025-ichongqing                  24 per week       +380%
                                                                       (derived)
aviation.weekly-flights-2016-ichongqing                  17 per week       +240%
                                                                       (derived)
aviation.weekly-flights-2018-mti                         14 per week       +180%
                                                                       (derived)
logistics.ilstc-container-growth-2025-mti                 nearly 10x       +900%
                                                                       (derived)
programme.singapore-investment-2024-mti             USD 12.7 billion    +122.81%
                                                                       (derived)
logistics.ilstc-teu-chongqing-2024-nca                   251,800 TEU        +41%
logistics.ilstc-goods-value-chongqing-2024-nca      RMB 46.7 billion        +67%
logistics.ilstc-train-trips-annual-2024-nca         more than 10,000  +1,011.11%
                                                                       (derived)
logistics.ilstc-teu-2022-pd                              379,000 TEU      +33.4%
programme.initiatives-garnered-2016-st                           260  +2,263.64%
                                                                       (derived)
programme.initiatives-value-2016-st                  USD 115 billion  +1,653.05%
                                                                       (derived)
aviation.weekly-flights-2018-st                          14 per week       +180%
                                                                       (derived)
logistics.ilstc-train-trips-chongqing-2021-xinhua              2,036        +53%
logistics.ilstc-teu-chongqing-2022-xinhua          more than 148,000        +32%
                                                                 TEU
logistics.ilstc-goods-value-chongqing-2022-xinhua  RMB 25.12 billion        +34%
logistics.ilstc-teu-2025-xinhua                          104,000 TEU      +30.9%
aviation.route-passengers-2024-xinhua                        252,400     +237.3%
aviation.weekly-flights-2018-yidaiyilu                   14 per week       +180%
                                                                       (derived)
""",
    ("changes", 100): """\
Changes (before -> after)
ID                                                                       After                Change
─────────────────────────────────────────────────  ───────────────────────────  ────────────────────
logistics.rail-sea-transit-days                                         7 days        -30% (derived)
aviation.weekly-flights                                            24 per week       +380% (derived)
aviation.flight-movements                                      more than 1,900                +20.2%
aviation.passengers                                          more than 230,000                +13.6%
aviation.cargo                                     more than 1,400 metric tons                 +2.5%
information-technology.transmission-efficiency                    more than 3x       +200% (derived)
culture-tourism.people-flow-growth                                          5x       +400% (derived)
culture-tourism.singapore-overnight-tourists-growth
                                                                            7x       +600% (derived)
culture-tourism.route-passengers-2024                                  252,400               +237.3%
logistics.ilstc-teu-2023-gt                                        860,000 TEU                  +14%
logistics.ilstc-goods-categories-2025-ichongqing                         1,150     +2,200% (derived)
aviation.weekly-flights-2025-ichongqing                            24 per week       +380% (derived)
aviation.weekly-flights-2016-ichongqing                            17 per week       +240% (derived)
aviation.weekly-flights-2018-mti                                   14 per week       +180% (derived)
logistics.ilstc-container-growth-2025-mti                           nearly 10x       +900% (derived)
programme.singapore-investment-2024-mti                       USD 12.7 billion    +122.81% (derived)
logistics.ilstc-teu-chongqing-2024-nca                             251,800 TEU                  +41%
logistics.ilstc-goods-value-chongqing-2024-nca                RMB 46.7 billion                  +67%
logistics.ilstc-train-trips-annual-2024-nca                   more than 10,000  +1,011.11% (derived)
logistics.ilstc-teu-2022-pd                                        379,000 TEU                +33.4%
programme.initiatives-garnered-2016-st                                     260  +2,263.64% (derived)
programme.initiatives-value-2016-st                            USD 115 billion  +1,653.05% (derived)
aviation.weekly-flights-2018-st                                    14 per week       +180% (derived)
logistics.ilstc-train-trips-chongqing-2021-xinhua                        2,036                  +53%
logistics.ilstc-teu-chongqing-2022-xinhua                more than 148,000 TEU                  +32%
logistics.ilstc-goods-value-chongqing-2022-xinhua            RMB 25.12 billion                  +34%
logistics.ilstc-teu-2025-xinhua                                    104,000 TEU                +30.9%
aviation.route-passengers-2024-xinhua                                  252,400               +237.3%
aviation.weekly-flights-2018-yidaiyilu                             14 per week       +180% (derived)
""",
    ("changes", 120): """\
Changes (before -> after)
ID                                                                      Before               After                Change
─────────────────────────────────────────────────  ───────────────────────────  ──────────────────  ────────────────────
logistics.rail-sea-transit-days                     10 days (before the ILSTC)              7 days        -30% (derived)
aviation.weekly-flights                                 5 per week (initially)         24 per week       +380% (derived)
aviation.flight-movements                                       a year earlier     more than 1,900                +20.2%
aviation.passengers                                             a year earlier   more than 230,000                +13.6%
aviation.cargo                                                  a year earlier     more than 1,400                 +2.5%
                                                                                       metric tons
information-technology.transmission-efficiency                                        more than 3x       +200% (derived)
culture-tourism.people-flow-growth                                        2015                  5x       +400% (derived)
culture-tourism.singapore-overnight-tourists-growth
                                                                          2015                  7x       +600% (derived)
culture-tourism.route-passengers-2024                           a year earlier             252,400               +237.3%
logistics.ilstc-teu-2023-gt                                     a year earlier         860,000 TEU                  +14%
logistics.ilstc-goods-categories-2025-ichongqing       50 (fewer than 50 kinds               1,150     +2,200% (derived)
                                                      when the corridor began)
aviation.weekly-flights-2025-ichongqing                 5 per week (before the         24 per week       +380% (derived)
                                                                     increase)
aviation.weekly-flights-2016-ichongqing               5 per week (about five a         17 per week       +240% (derived)
                                                      week at the 2015 launch)
aviation.weekly-flights-2018-mti                       5 per week (the earlier         14 per week       +180% (derived)
                                                       level the answer cites)
logistics.ilstc-container-growth-2025-mti                                               nearly 10x       +900% (derived)
programme.singapore-investment-2024-mti              USD 5.7 billion (in 2015)    USD 12.7 billion    +122.81% (derived)
logistics.ilstc-teu-chongqing-2024-nca                          a year earlier         251,800 TEU                  +41%
logistics.ilstc-goods-value-chongqing-2024-nca                  a year earlier    RMB 46.7 billion                  +67%
logistics.ilstc-train-trips-annual-2024-nca        900 (more than 900 in 2019)    more than 10,000  +1,011.11% (derived)
logistics.ilstc-teu-2022-pd                                     a year earlier         379,000 TEU                +33.4%
programme.initiatives-garnered-2016-st                11 (announced in January                 260  +2,263.64% (derived)
                                                                         2016)
programme.initiatives-value-2016-st                   USD 6.56 billion (the 11     USD 115 billion  +1,653.05% (derived)
                                                    announced in January 2016)
aviation.weekly-flights-2018-st                        5 per week (the earlier         14 per week       +180% (derived)
                                                               level reported)
logistics.ilstc-train-trips-chongqing-2021-xinhua               a year earlier               2,036                  +53%
logistics.ilstc-teu-chongqing-2022-xinhua                       a year earlier   more than 148,000                  +32%
                                                                                               TEU
logistics.ilstc-goods-value-chongqing-2022-xinhua               a year earlier   RMB 25.12 billion                  +34%
logistics.ilstc-teu-2025-xinhua                                 a year earlier         104,000 TEU                +30.9%
aviation.route-passengers-2024-xinhua                           a year earlier             252,400               +237.3%
aviation.weekly-flights-2018-yidaiyilu                 5 per week (the earlier         14 per week       +180% (derived)
                                                       level the report cites)
""",
    ("summary", 60): """\
Headline figures
Label                                                  Value
───────────────────────────────────  ───────────────────────
Total value of cooperation projects           USD 26 billion
Cross-border financing                      USD 21.7 billion
Institutional openness outcomes                           33
CCI launched
Priority modern service sectors                            4
2030 goal
Rail-sea transit time, Chongqing to                   7 days
Singapore
Ports reached by the ILSTC                               581
Countries and regions reached by                         127
the ILSTC
Western China-ASEAN import-export            more than RMB 1
volume                                              trillion
Cross-border settlement through the        more than RMB 400
NRA model                                            million
Weekly flights, Chongqing-Singapore              24 per week
Air passengers, Chongqing-Singapore        more than 230,000
Technology firms incubated by the                         45
NUS (Chongqing) Research Institute
Growth of Chongqing-Singapore                             5x
people flow since 2015
CCI cooperation projects signed and                      347
implemented
Singapore's investment in Chongqing         USD 12.7 billion
International Data Channel launched
""",
    ("summary", 80): """\
Headline figures
Label                                                   Value  Period
──────────────────────────────────────────  ─────────────────  ─────────────────
Total value of cooperation projects            USD 26 billion  Nov 2015-Nov 2025
Cross-border financing                       USD 21.7 billion  Nov 2015-Nov 2025
Institutional openness outcomes                            33  Nov 2015-Nov 2025
CCI launched                                                   Nov 2015
Priority modern service sectors                             4  as of 10 Nov 2025
2030 goal                                                      by 2030
Rail-sea transit time, Chongqing to                    7 days  as of 10 Nov 2025
Singapore
Ports reached by the ILSTC                                581  as of 10 Nov 2025
Countries and regions reached by the ILSTC                127  as of 10 Nov 2025
Western China-ASEAN import-export volume      more than RMB 1  as of 10 Nov 2025
                                                     trillion
Cross-border settlement through the NRA     more than RMB 400  Nov 2015-Nov 2025
model                                                 million
Weekly flights, Chongqing-Singapore               24 per week  as of 10 Nov 2025
Air passengers, Chongqing-Singapore         more than 230,000  Jan-Oct 2025
Technology firms incubated by the NUS                      45  Nov 2015-Nov 2025
(Chongqing) Research Institute
Growth of Chongqing-Singapore people flow                  5x  2015-2025
since 2015
CCI cooperation projects signed and                       347  Nov 2015-Dec 2025
implemented
Singapore's investment in Chongqing          USD 12.7 billion  2024
International Data Channel launched                            11 Sep 2019
""",
    ("summary", 100): """\
Headline figures
Label                                                                       Value  Period
──────────────────────────────────────────────────────  ─────────────────────────  ─────────────────
Total value of cooperation projects                                USD 26 billion  Nov 2015-Nov 2025
Cross-border financing                                           USD 21.7 billion  Nov 2015-Nov 2025
Institutional openness outcomes                                                33  Nov 2015-Nov 2025
CCI launched                                                                       Nov 2015
Priority modern service sectors                                                 4  as of 10 Nov 2025
2030 goal                                                                          by 2030
Rail-sea transit time, Chongqing to Singapore                              7 days  as of 10 Nov 2025
Ports reached by the ILSTC                                                    581  as of 10 Nov 2025
Countries and regions reached by the ILSTC                                    127  as of 10 Nov 2025
Western China-ASEAN import-export volume                 more than RMB 1 trillion  as of 10 Nov 2025
Cross-border settlement through the NRA model           more than RMB 400 million  Nov 2015-Nov 2025
Weekly flights, Chongqing-Singapore                                   24 per week  as of 10 Nov 2025
Air passengers, Chongqing-Singapore                             more than 230,000  Jan-Oct 2025
Technology firms incubated by the NUS (Chongqing)                              45  Nov 2015-Nov 2025
Research Institute
Growth of Chongqing-Singapore people flow since 2015                           5x  2015-2025
CCI cooperation projects signed and implemented                               347  Nov 2015-Dec 2025
Singapore's investment in Chongqing                              USD 12.7 billion  2024
International Data Channel launched                                                11 Sep 2019
""",
    ("summary", 120): """\
Headline figures
Label                                                                  Value  Period             Source
─────────────────────────────────────────────────  ─────────────────────────  ─────────────────  ───────────────────────
Total value of cooperation projects                           USD 26 billion  Nov 2015-Nov 2025  cqdaily-2025-11-10
Cross-border financing                                      USD 21.7 billion  Nov 2015-Nov 2025  cqdaily-2025-11-10
Institutional openness outcomes                                           33  Nov 2015-Nov 2025  cqdaily-2025-11-10
CCI launched                                                                  Nov 2015           cqdaily-2025-11-10
Priority modern service sectors                                            4  as of 10 Nov 2025  cqdaily-2025-11-10
2030 goal                                                                     by 2030            cqdaily-2025-11-10
Rail-sea transit time, Chongqing to Singapore                         7 days  as of 10 Nov 2025  cqdaily-2025-11-10
Ports reached by the ILSTC                                               581  as of 10 Nov 2025  cqdaily-2025-11-10
Countries and regions reached by the ILSTC                               127  as of 10 Nov 2025  cqdaily-2025-11-10
Western China-ASEAN import-export volume            more than RMB 1 trillion  as of 10 Nov 2025  cqdaily-2025-11-10
Cross-border settlement through the NRA model      more than RMB 400 million  Nov 2015-Nov 2025  cqdaily-2025-11-10
Weekly flights, Chongqing-Singapore                              24 per week  as of 10 Nov 2025  cqdaily-2025-11-10
Air passengers, Chongqing-Singapore                        more than 230,000  Jan-Oct 2025       cqdaily-2025-11-10
Technology firms incubated by the NUS (Chongqing)                         45  Nov 2015-Nov 2025  cqdaily-2025-11-10
Research Institute
Growth of Chongqing-Singapore people flow since                           5x  2015-2025          cqdaily-2025-11-10
2015
CCI cooperation projects signed and implemented                          347  Nov 2015-Dec 2025  ichongqing-2025-12-18
Singapore's investment in Chongqing                         USD 12.7 billion  2024               mti-2025-09-29
International Data Channel launched                                           11 Sep 2019        straitstimes-2019-09-11
""",
    ("-q search ILSTC --limit 10", 60): """\
Facts matching 'ILSTC'
ID                                         Value
─────────────────────────────────────────  ─────
logistics.ilstc-cities                        75
logistics.ilstc-ports                        581
logistics.ilstc-provinces                     18
logistics.ilstc-stations                     163
logistics.ilstc-countries                    127
logistics.ilstc-countries-2025-10-xinhua     127
logistics.ilstc-countries-2025-ichongqing    127
logistics.ilstc-ports-2025-10-xinhua         581
logistics.ilstc-ports-2025-ichongqing        555
logistics.ilstc-ports-2025-02-xinhua         555
""",
    ("-q search ILSTC --limit 10", 80): """\
Facts matching 'ILSTC'
ID                                         Label                           Value
─────────────────────────────────────────  ──────────────────────────────  ─────
logistics.ilstc-cities                     Chinese cities on the ILSTC        75
logistics.ilstc-ports                      Ports reached by the ILSTC        581
logistics.ilstc-provinces                  Chinese provinces on the ILSTC     18
logistics.ilstc-stations                   Domestic railway stations on      163
                                           the ILSTC
logistics.ilstc-countries                  Countries and regions reached     127
                                           by the ILSTC
logistics.ilstc-countries-2025-10-xinhua   Countries and regions reached     127
                                           by the ILSTC
logistics.ilstc-countries-2025-ichongqing  Countries reached by the ILSTC    127
logistics.ilstc-ports-2025-10-xinhua       Ports reached by the ILSTC        581
logistics.ilstc-ports-2025-ichongqing      Ports reached by the ILSTC        555
logistics.ilstc-ports-2025-02-xinhua       Ports reached by the corridor     555
""",
    ("-q search ILSTC --limit 10", 100): """\
Facts matching 'ILSTC'
ID                                         Label                                       Value
─────────────────────────────────────────  ──────────────────────────────────────────  ─────
logistics.ilstc-cities                     Chinese cities on the ILSTC                    75
logistics.ilstc-ports                      Ports reached by the ILSTC                    581
logistics.ilstc-provinces                  Chinese provinces on the ILSTC                 18
logistics.ilstc-stations                   Domestic railway stations on the ILSTC        163
logistics.ilstc-countries                  Countries and regions reached by the ILSTC    127
logistics.ilstc-countries-2025-10-xinhua   Countries and regions reached by the ILSTC    127
logistics.ilstc-countries-2025-ichongqing  Countries reached by the ILSTC                127
logistics.ilstc-ports-2025-10-xinhua       Ports reached by the ILSTC                    581
logistics.ilstc-ports-2025-ichongqing      Ports reached by the ILSTC                    555
logistics.ilstc-ports-2025-02-xinhua       Ports reached by the corridor                 555
""",
    ("-q search ILSTC --limit 10", 120): """\
Facts matching 'ILSTC'
ID                                        Label                                   Value  Period
────────────────────────────────────────  ──────────────────────────────────────  ─────  ───────────────────────────────
logistics.ilstc-cities                    Chinese cities on the ILSTC                75  as of 10 Nov 2025
logistics.ilstc-ports                     Ports reached by the ILSTC                581  as of 10 Nov 2025
logistics.ilstc-provinces                 Chinese provinces on the ILSTC             18  as of 10 Nov 2025
logistics.ilstc-stations                  Domestic railway stations on the ILSTC    163  as of 10 Nov 2025
logistics.ilstc-countries                 Countries and regions reached by the      127  as of 10 Nov 2025
                                          ILSTC
logistics.ilstc-countries-2025-10-xinhua  Countries and regions reached by the      127  as of end of October 2025
                                          ILSTC
logistics.ilstc-countries-2025-ichongqing
                                          Countries reached by the ILSTC            127  Up to 6 March 2025 (cumulative)
logistics.ilstc-ports-2025-10-xinhua      Ports reached by the ILSTC                581  as of end of October 2025
logistics.ilstc-ports-2025-ichongqing     Ports reached by the ILSTC                555  Up to 6 March 2025 (cumulative)
logistics.ilstc-ports-2025-02-xinhua      Ports reached by the corridor             555  as of February 2025
""",
}


@pytest.mark.parametrize(("command", "width"), list(BUNDLED), ids=lambda v: str(v))
def test_bundled_tables_at_four_widths(command: str, width: int) -> None:
    assert table(*command.split(), width=width) == BUNDLED[(command, width)]


def test_a_terminal_draws_the_same_table_as_a_pipe_of_its_width(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("ccifacts.cli.output.stdout_is_terminal", lambda: True)
    result = run("sectors", "--color", "never", env={"COLUMNS": "80"})
    assert result.stdout == BUNDLED[("sectors", 80)]


def test_the_summary_fits_a_screen_at_80_columns() -> None:
    # Title, headings and rule, 18 headline figures (10 measures, 8 facts of no measure) and 6
    # labels or figures on two lines: it was 51.
    assert len(table("summary", width=80).splitlines()) == 27


# --- each step of the rule, on the small base ---------------------------------------------------


def small(tmp_path: Path, **changes: Any) -> str:
    """The small base, its first fact changed by ``changes``, written to a file."""
    document = minimal()
    document["facts"][0].update(changes)
    return str(write(tmp_path / "small.json", document))


def test_every_column_at_its_natural_width_when_it_fits(tmp_path: Path) -> None:
    base = small(tmp_path)
    expected = f"""\
Facts
ID                       Label                                    Value  Period
{RULE * 23}  {RULE * 19}  {RULE * 25}  {RULE * 10}
aviation.weekly-flights  Weekly flights                     24 per week  2025
finance.settlement       Settlement, via NRA  more than RMB 400 million  as of 2025
"""
    assert table("list", "--facts", base) == expected  # a pipe without $COLUMNS
    assert table("list", "--facts", base, width=83) == expected


def test_a_long_label_wraps_between_words_and_the_rest_stay_whole(tmp_path: Path) -> None:
    base = small(tmp_path, label="Weekly flights between Chongqing and Singapore, both ways")
    assert (
        table("list", "--facts", base, width=100)
        == f"""\
Facts
ID                       Label                                                     Value  Period
{RULE * 23}  {RULE * 36}  {RULE * 25}  {RULE * 10}
aviation.weekly-flights  Weekly flights between Chongqing and                24 per week  2025
                         Singapore, both ways
finance.settlement       Settlement, via NRA                   more than RMB 400 million  as of 2025
"""
    )


def test_a_period_shows_its_dates_before_anything_wraps_or_goes(tmp_path: Path) -> None:
    period = {"label": "January to October 2025", "start": "2025-01", "end": "2025-10"}
    base = small(tmp_path, period=period)
    assert "January to October 2025" in table("list", "--facts", base)
    assert (
        table("list", "--facts", base, width=85)
        == f"""\
Facts
ID                       Label                                    Value  Period
{RULE * 23}  {RULE * 19}  {RULE * 25}  {RULE * 12}
aviation.weekly-flights  Weekly flights                     24 per week  Jan-Oct 2025
finance.settlement       Settlement, via NRA  more than RMB 400 million  as of 2025
"""
    )


def test_the_least_useful_column_goes_rather_than_all_of_them_squeezed(tmp_path: Path) -> None:
    base = small(tmp_path)
    # The period goes first, then the label; the id and the value stay whole.
    assert (
        table("list", "--facts", base, width=82)
        == f"""\
Facts
ID                       Label                                    Value
{RULE * 23}  {RULE * 19}  {RULE * 25}
aviation.weekly-flights  Weekly flights                     24 per week
finance.settlement       Settlement, via NRA  more than RMB 400 million
"""
    )
    assert (
        table("list", "--facts", base, width=60)
        == f"""\
Facts
ID                                           Value
{RULE * 23}  {RULE * 25}
aviation.weekly-flights                24 per week
finance.settlement       more than RMB 400 million
"""
    )


def test_a_listing_may_order_its_columns_to_go_differently(tmp_path: Path) -> None:
    # The summary is read, not copied from: its id goes before its source and its period.
    assert (
        table("summary", "--facts", small(tmp_path), width=55)
        == f"""\
Headline figures
Label                 Value  Period  Source
{RULE * 14}  {RULE * 11}  {RULE * 6}  {RULE * 11}
Weekly flights  24 per week  2025    test-source
"""
    )
    assert (
        table("summary", "--facts", small(tmp_path), width=40)
        == f"""\
Headline figures
Label                 Value  Period
{RULE * 14}  {RULE * 11}  {RULE * 6}
Weekly flights  24 per week  2025
"""
    )


def test_columns_named_with_fields_never_go(tmp_path: Path) -> None:
    # Figures wrap between words, then ids longer than their column take a line of their own.
    base = small(tmp_path)
    args = ("list", "--facts", base, "--fields", "id,label,value,period")
    assert (
        table(*args, width=60)
        == f"""\
Facts
ID         Label                           Value  Period
{RULE * 9}  {RULE * 19}  {RULE * 16}  {RULE * 10}
aviation.weekly-flights
           Weekly flights            24 per week  2025
finance.settlement
           Settlement, via NRA     more than RMB  as of 2025
                                     400 million
"""
    )


def test_an_id_wider_than_its_column_takes_a_line_of_its_own(tmp_path: Path) -> None:
    assert (
        table("list", "--facts", small(tmp_path), width=40)
        == f"""\
Facts
ID                                 Value
{RULE * 13}  {RULE * 25}
aviation.weekly-flights
                             24 per week
finance.settlement
               more than RMB 400 million
"""
    )


def test_a_spilled_id_of_a_row_with_nothing_else_leaves_no_blank_line(tmp_path: Path) -> None:
    base = small(tmp_path, value=None, unit=None, baseline=None)
    assert (
        table("list", "--facts", base, width=40)
        == f"""\
Facts
ID                                 Value
{RULE * 13}  {RULE * 25}
aviation.weekly-flights
finance.settlement
               more than RMB 400 million
"""
    )


def test_an_id_is_never_broken_even_on_a_screen_narrower_than_it(tmp_path: Path) -> None:
    lines = table("list", "--facts", small(tmp_path), width=20).splitlines()
    assert "aviation.weekly-flights" in lines  # 23 columns: the line runs over
    assert [line for line in lines if len(line) > 20] == ["aviation.weekly-flights"]


def test_bars_shrink_then_go_before_any_text_wraps(tmp_path: Path) -> None:
    base = small(tmp_path)
    assert (
        table("changes", "--facts", base)
        == f"""\
Changes (before -> after)
ID                                       Before                      After           Change
{RULE * 23}  {RULE * 22}  {RULE * 25}  {RULE * 15}  {RULE * 23}
aviation.weekly-flights  5 per week (at launch)                24 per week  +380% (derived)  ███ before
                                                                                             ████████████████ after
finance.settlement               a year earlier  more than RMB 400 million           +12.5%  ██████████████ before
                                                                                             ████████████████ after
"""
    )
    assert (
        table("changes", "--facts", base, width=106)
        == f"""\
Changes (before -> after)
ID                                       Before                      After           Change
{RULE * 23}  {RULE * 22}  {RULE * 25}  {RULE * 15}  {RULE * 13}
aviation.weekly-flights  5 per week (at launch)                24 per week  +380% (derived)  █ before
                                                                                             ██████ after
finance.settlement               a year earlier  more than RMB 400 million           +12.5%  █████ before
                                                                                             ██████ after
"""
    )
    without_bars = f"""\
Changes (before -> after)
ID                                       Before                      After           Change
{RULE * 23}  {RULE * 22}  {RULE * 25}  {RULE * 15}
aviation.weekly-flights  5 per week (at launch)                24 per week  +380% (derived)
finance.settlement               a year earlier  more than RMB 400 million           +12.5%
"""
    assert table("changes", "--facts", base, width=103) == without_bars
    assert table("changes", "--facts", base, width=95) == without_bars
    assert (
        table("changes", "--facts", base, width=90)
        == f"""\
Changes (before -> after)
ID                                      Before                      After           Change
{RULE * 23}  {RULE * 21}  {RULE * 25}  {RULE * 15}
aviation.weekly-flights         5 per week (at                24 per week  +380% (derived)
                                       launch)
finance.settlement              a year earlier  more than RMB 400 million           +12.5%
"""
    )


@pytest.mark.parametrize("width", [60, 80])
def test_a_history_keeps_its_chart_where_changes_would_drop_its_bars(width: int) -> None:
    """The bars of `history` are its chart (readable at 80 columns, as issue 11 asks): the
    publisher wraps or goes first, and a bar still grows with its value."""
    lines = table("history", "weekly-flights", width=width).splitlines()
    assert max(len(line) for line in lines) <= width
    rows = {line.split()[0]: line for line in lines if line[:2] == "20"}
    bars = {date: line.count("\u2588") for date, line in rows.items()}
    assert len(bars) == 7  # 8 points, two of them on 2018-03-19
    assert 0 < bars["2015"] < bars["2018-10-07"] < bars["2016"] < bars["2025-11-10"]
    assert "about 5 per week" in rows["2015"]


def test_a_stream_without_utf8_gets_an_ascii_rule_and_bars() -> None:
    listing = Listing(
        FACT,
        [
            {
                "id": "a.b",
                "label": "Flights",
                "value": 24,
                "unit": "count",
                "qualifier": "exact",
                "period": {"label": "2025", "start": "2025", "end": "2025"},
            }
        ],
        title="Facts",
        bar=lambda record, width: (width // 2, width),
    )
    drawn = to_text(render_table(listing, None, True), color=False, width=None, ascii_only=True)
    assert drawn == (
        "Facts\n"
        "ID   Label    Value  Period\n"
        "---  -------  -----  ------  -----------------------\n"
        "a.b  Flights     24  2025    ######## before\n"
        "                             ################ after\n"
    )


# --- every listing, at several widths -------------------------------------------------------

WIDTHS = (60, 67, 80, 93, 100, 120, 141)
# The bundled base's listings are long: three widths keep the test to seconds.
BUNDLED_WIDTHS = (60, 93, 120)


def listings(facts: str | None = None) -> Iterator[tuple[str, ...]]:
    """Every command that prints a table, with the arguments it needs."""
    prefix = ("--facts", facts) if facts else ()
    sectors = [row["id"] for row in run("sectors", *prefix, "--json").json()]
    terms = [row["id"] for row in run("terms", *prefix, "--json").json()]
    words = ("ILSTC", "flights") if facts is None else ("weekly", "NRA")
    yield from (("sectors",), ("list",), ("terms",), ("people",), ("sources",))
    yield from (("timeline",), ("timeline", "--all"), ("changes",), ("summary",))
    if facts is None:  # the small base has no measures
        yield from (("history",), ("history", "ilstc-ports"))
    yield from (("sector", sector) for sector in sectors)
    yield from (("search", word) for word in words)
    yield from (("define", term) for term in terms[:3])


def all_ids(*prefix: str) -> set[str]:
    """The id of every record of the base: facts, sectors, terms, people and sources."""
    kinds = ("list", "sectors", "terms", "people", "sources")
    return {row["id"] for kind in kinds for row in run(kind, *prefix, "--json").json()}


def pieces_of_ids(drawn: str, natural: str, ids: set[str]) -> list[str]:
    """Words of ``drawn`` that begin or end an id without being one (a broken id leaves both),
    leaving out the words of the table at its natural width, where nothing wraps."""
    whole = set(natural.split())
    return [
        word
        for word in drawn.split()
        if word not in ids
        and word not in whole
        and any(i.startswith(word) or i.endswith(word) for i in ids)
    ]


@pytest.mark.parametrize("base", ["bundled", "small"])
def test_no_line_is_wider_than_the_screen_and_no_id_is_broken(base: str, tmp_path: Path) -> None:
    facts = None if base == "bundled" else str(write(tmp_path / "small.json", minimal()))
    prefix = ("--facts", facts) if facts else ()
    ids = all_ids(*prefix)
    checked = 0
    widths = BUNDLED_WIDTHS if facts is None else WIDTHS
    for args in listings(facts):
        natural = table(*args, *prefix)
        for width in widths:
            drawn = table(*args, *prefix, width=width)
            assert max(len(line) for line in drawn.splitlines()) <= width, (args, width)
            assert pieces_of_ids(drawn, natural, ids) == [], (args, width)
            checked += 1
    assert checked >= 12 * len(widths)


def test_the_check_for_broken_ids_finds_one() -> None:
    ids = {"aviation.air-corridor", "information-technology"}
    drawn = "aviation.air-corr  Chongqing\n  idor\ninformation-technolog\ny\n"
    natural = "aviation.air-corridor  Chongqing\ninformation-technology\n"
    assert pieces_of_ids(drawn, natural, ids) == [
        "aviation.air-corr",
        "idor",
        "information-technolog",
        "y",
    ]


@pytest.mark.parametrize(
    "command",
    [
        ["sector", "logistics"],
        ["sectors"],
        ["terms"],
        ["people"],
        ["changes"],
        ["history", "weekly-flights"],
        ["search", "ILSTC"],
        ["timeline", "--since", "2024"],
    ],
    ids=" ".join,
)
def test_a_table_without_colour_is_drawn_as_the_rich_console_draws_it(
    command: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Without colour a table is drawn without importing Rich's console: the same text.
    import ccifacts
    from ccifacts import table as drawing

    widths: list[int | None] = [None, 30, 52, 80, 120]
    drawn = {w: run(*command, "--format", "table", env=_columns(w)).stdout for w in widths}
    facts = [f.to_dict() for f in ccifacts.load(None).facts(limit=12)]
    ascii_only = {
        w: to_text(
            render_table(Listing(FACT, facts), None, True), color=False, width=w, ascii_only=True
        )
        for w in widths
    }
    monkeypatch.delattr(drawing._Table, "plain_text")
    for width in widths:
        assert run(*command, "--format", "table", env=_columns(width)).stdout == drawn[width]
        again = to_text(
            render_table(Listing(FACT, facts), None, True),
            color=False,
            width=width,
            ascii_only=True,
        )
        assert again == ascii_only[width]


def _columns(width: int | None) -> dict[str, str]:
    return {} if width is None else {"COLUMNS": str(width)}
