# Hand-written malicious items by helper w7mal. Each tuple:
# (text, rating, platform, reason, script, lang, text_evidence, source_key)
SOURCES = {
 "R1": ("https://ycpai.ycwb.com/ycppad/content/2020-11/23/content_1303948.html", "惠州一恶意差评人被行拘十天,外卖店主拟走法律程序索赔 (澎湃新闻/羊城派)", True),
 "R12": ("http://yongyi18.net/news/content/2020-11/18/content_23731181.htm", "“职业差评师”出没外卖平台 (澎湃新闻 转载)", True),
 "R2": ("https://vct.news/news/40767827-5bd6-467d-a743-900f39c685a0", "女子恶意差评获利上千元 自称因疫情失业经济压力过大", True),
 "R3": ("http://m.zhiy.thxxww.com/kx/2023/0422/2638.html", "吃了37顿“霸王餐”,还“赚了”一万元? (沈阳浑南警方)", True),
 "R4": ("http://www.haokelawfirm.com/html/11e899917.html", "情侣带蟑螂吃霸王餐 青岛9家餐厅被敲诈 (中国消费者报 转载)", True),
 "R5": ("https://hk.on.cc/hk/bkn/cnt/cnnews/20210615/bkn-20210615052107047-0615_00952_001.html", "深圳男吃海底撈放曱甴 索賠1800人民幣被行拘 (東網)", True),
 "R6": ("http://finance.cqtresearch.com/caijingxinwen/2022/0830/136496.html", "男子多次投诉外卖吃出异物!民警一查,把他抓了 (新华社 转载)", True),
 "R7": ("http://953985.com/hanju/114383.html", "点外卖吃出20多次苍蝇 两男子因恶意索赔被判刑 (红餐网 转载)", True),
 "R8": ("https://www.theblaze.com/news/2012/05/29/yelp-extortion-man-threatens-restaurant-with-negative-review-unless-hes-given-100-gift-card", "'Yelp Extortion': Man Threatens Restaurant With Negative Review Unless He's Given $100 Gift Card", True),
 "N1": ("https://www.wltx.com/article/news/national/scammers-demand-restaurants-pay-or-get-bad-reviews/101-b7e4917a-0dd3-4914-8d84-a148874210df", "Scammers demand restaurants pay up or get hit with one-star reviews (CBS/WLTX)", False),
 "N2": ("https://www.thetimes.co.uk/article/restaurants-hit-by-google-extortion-plot-27gqlplvq", "Restaurants hit by Google extortion plot (The Times, 2022-07-12)", False),
 "R14": ("https://finedininglovers.com/article/restaurant-review-scam", "Restaurant review scam in NY (Fine Dining Lovers)", True),
 "N3": ("https://rebelinkpress.com/scammers-attempt-extortion-with-negative-google-reviews/", "Scammers Attempt Extortion With Negative Google Reviews (Le Pavillon, Field & Tides)", False),
 "R9": ("https://khou.com/article/news/local/houston-restaurant-blackmailed-reviews/285-4b29959b-a3c3-4a10-bd12-406866204402", "Houston restaurant blackmailed with negative reviews (KHOU)", True),
 "R10": ("https://gorgenewscenter.com/2018/07/25/scammer-uses-fake-online-reviews-to-extort-restaurant/", "Scammer uses fake online reviews to extort restaurant (AP)", True),
 "R11": ("https://www.nownews.com/news/6778018", "北車老飯店吃到蟑螂 男索60萬美金封口費 遭起訴恐嚇取財 (NOWnews)", True),
 "N4": ("http://zx.lc123.net/html/2016-09-28/546231.html", "湾仔酒吧遭勒索十万元保护费 三名男子被捕", False),
 "R13": ("https://orientaldaily.on.cc/content/要聞港聞/odn-20231205-1205_00176_265/食肆遭勒索數百萬--淋油滋擾", "食肆遭勒索數百萬 淋油滋擾 (東方日報)", True),
 "N5": ("https://news.mingpao.com/ins/%e6%b8%af%e8%81%9e/article/20220913/s00001/1663077889931/%e6%b6%89%e5%b0%87%e6%9b%b1%e7%94%b4%e6%94%be%e7%82%92%e9%a3%af%e5%86%8d%e5%90%91%e9%a3%9f%e7%92%b0%e6%8a%95%e8%a8%b4%e9%85%92%e6%a8%93-%e5%85%a9%e7%94%b7%e6%b6%89%e5%a6%a8%e7%a4%99%e5%8f%b8%e6%b3%95%e5%85%ac%e6%ad%a3%e8%a2%ab%e6%8d%95", "涉將曱甴放炒飯再向食環投訴酒樓 兩男涉妨礙司法公正被捕 (明報)", False),
 "N6": ("https://hk.on.cc/hk/bkn/cnt/news/20241102/bkn-20241102111503967-1102_00822_001_cn.html", "要挟香港仔街市档主放弃投标无果 黑帮男淋红油即日被捕 (东网)", False),
 "R15": ("https://laotaotie.com/new/735546933407394816", "深圳餐馆食客“在我老家砸死你” (same incident as a listed hk01 report)", True),
 "N7": ("http://www.6xt.com.cn/20220104/99140132.html", "重庆男子往面馆锅里扔板砖 叫嚣“面馆别开了” (极目新闻 转载)", False),
 "N8": ("https://onewirenews.com/customer-threatens-to-kill-fast-food-workers-during-heated-dispute-she-wanted-her-money-back", "Customer threatens to kill fast-food workers during heated dispute (Paul's Drive In)", False),
 "N9": ("https://cbsnews.com/chicago/news/customer-stops-man-who-tried-to-burn-down-restaurant", "Customer Stops Man Who Tried To Burn Down Restaurant (CBS Chicago)", False),
 "N11": ("https://www.iask.ca/news/287118", "唐山一饭店被错认后遭网暴:被威胁“小心点你孩子”", False),
 "N12": ("https://www.charlotteobserver.com/news/local/article137081173.html", "Lake Norman restaurant owner gets death threats after Facebook post goes viral", False),
 "N10": ("https://smotrim.ru/amp/article/4068057", "Разгневанный посетитель попытался сжечь кафе в Ревде (Смотрим)", False),
}

E, T = "extortion", "threat"
S, TR = "simplified", "traditional"
ITEMS = [
# ---- R1 Huizhou: 1200 -> 1800, 40 bad reviews, "现转现停，不然换执照都搞你"
("吃出个蟑螂腿，恶心死了。老板别装死，微信上说的1200你转了我就删，不转我天天来评。", 1, "meituan", E, S, "zh", True, "R1"),
("追评：还没转？那就涨价了，1800，现转现停。", None, "meituan", E, S, "zh", True, "R1"),
("那个牛肉臭死了不知道放了多少天。想让我删评自己加我v聊，价钱都说过了。", 1, "meituan", E, S, "zh", True, "R1"),
("蛋和青菜都是生的，这种店还开？", 1, "meituan", E, S, "zh", False, "R1"),
("现 转 现 停。不 然 换 执 照 都 搞 你。你自己算算一天少多少单。", 1, "eleme", E, S, "zh", True, "R1"),
("老板你评分掉到4.6了吧，再拖下去日单剩几十。1800块钱买你一家店的评分，划算得很，转了立马删。", 1, "meituan", E, S, "zh", True, "R1"),
("吃完拉肚子。别私信问我要什么，我要什么你清楚，V上转账就完事。", 1, "meituan", E, S, "zh", True, "R1"),
("第十几条了吧，还嘴硬？1200不要你要1800，今天不到账明天继续，一天五条。", 1, "eleme", E, S, "zh", True, "R1"),
("米饭夹生，汤是馊的。", 1, "eleme", E, S, "zh", False, "R1"),
("追评：别以为报警有用，不够两千立不了案。钱到了差评全删，一条不留，不到我换号接着写。", None, "meituan", E, S, "zh", True, "R1"),
("新开的分店是吧，生意挺好啊。想继续好就把“补偿”给了，1⃣8⃣0⃣0⃣，一分不少。", 1, "meituan", E, S, "zh", True, "R1"),
("菜里有头发有虫，卫生一塌糊涂。加wei❤信解决，别在评论区回复我。", 1, "eleme", E, S, "zh", True, "R1"),
("老板回复说我恶意？行啊，那就再来十条。转账就停，这话我只说最后一遍。", 1, "meituan", E, S, "zh", True, "R1"),
("差评我可以一直写下去，你换名字换执照我都找得到你。给钱删评，不给就等着关门。", 1, "meituan", E, S, "zh", True, "R1"),
# ---- R12 Guangzhou 1300 "赔偿费"
("你们家吃出问题了，打了三次电话不接？1300赔偿费，转了这事就算了，评价我也给你撤。", 1, "meituan", E, S, "zh", True, "R12"),
("追评：店主终于回电了，还想讨价还价？1300，少一块我就把照片发满所有平台。", None, "meituan", E, S, "zh", True, "R12"),
("这店我劝大家别点，具体原因老板心里有数。老板想私了的话电话联系。", 1, "eleme", E, S, "zh", True, "R12"),
("差评留着，等赔偿费到账我再改五星，说话算话。", 1, "eleme", E, S, "zh", True, "R12"),
# ---- R2 Shenzhen 肚子疼
("吃完肚子疼了一晚上，商家给个说法。退款加赔偿，处理满意我就删评。", 1, "meituan", E, S, "zh", True, "R2"),
("又是肚子疼！上次就这样。老板打电话给我，退全款再赔200我就改好评，不然差评挂着。", 1, "eleme", E, S, "zh", True, "R2"),
("吃了你家的套餐闹肚子，别跟我扯监控，退款+补偿到位评价就撤。", 1, "meituan", E, S, "zh", True, "R2"),
("肚子疼，拉了三次。", 1, "meituan", E, S, "zh", False, "R2"),
("追评：商家赔了80，不够我的医药费和误工费，再加150我就把这条删了。", None, "meituan", E, S, "zh", True, "R2"),
("吃完胃不舒服，想要好评？先把赔偿转过来，我要的不多。", 2, "eleme", E, S, "zh", True, "R2"),
# ---- R3 Shenyang rice worms 精神损失费 200-600
("饭里有虫子！！图已拍。退单之外赔我精神损失费500，给了我就不往上报，也不挂评价。", 1, "meituan", E, S, "zh", True, "R3"),
("菜里漂着好几只米虫，吓死人了。精神损失费300，转了删评，不转就12345见。", 1, "eleme", E, S, "zh", True, "R3"),
("跑腿买的两个菜一盒饭，里面有虫。老板你看着办，精神损失费少于400免谈，谈好了这条差评我自己删。", 1, "meituan", E, S, "zh", True, "R3"),
("追评：老板只退了单，精神损失费没给，那就别怪我了，接下来每家平台都给你挂一遍。", None, "meituan", E, S, "zh", True, "R3"),
("有虫有虫有虫！！！想私了找我，价钱600，图我先不发群里。", 1, "eleme", E, S, "zh", True, "R3"),
("这家火锅外卖吃出虫，老板态度还行，但精神损失费得给，200到位我就改评价。", 2, "meituan", E, S, "zh", True, "R3"),
("米饭里虫子三只，恶心。赔偿+精神损失费一起给了，好评返你。", 1, "meituan", E, S, "zh", True, "R3"),
("虫子照片我存着呢，钱没到我就一直挂着。", 1, "eleme", E, S, "zh", True, "R3"),
# ---- R4 Qingdao cockroach, free meal + 720
("一桌菜捞出两只蟑螂！当着服务员面捞的。今天这顿必须免单，再现金赔偿，不然我把视频发点评发抖音。", 1, "dianping", E, S, "zh", True, "R4"),
("追评：店里最后免了单赔了720，钱收到我就不发视频了，这条先留着看后续。", None, "dianping", E, S, "zh", True, "R4"),
("商场里这家店菜里有蟑螂，老板想保住名声就拿诚意出来，免单加赔偿，一千不多吧。", 1, "dianping", E, S, "zh", True, "R4"),
("吃到蟑螂。经理出来道歉没用，我要的是实际的，现金。给了我删评，不给我天天来门口发。", 1, "dianping", E, S, "zh", True, "R4"),
("高峰期人多是吧？你不想我在大厅里喊有蟑螂，就把单免了再补我几百，大家都好看。", 1, "dianping", E, S, "zh", True, "R4"),
# ---- R5 Haidilao 曱甴 1000 / 800
("火鍋入面食到曱甴！要賠1000，唔賠我即刻出post，成個深圳都知。", 1, "dianping", E, TR, "yue", True, "R5"),
("追評：第二次嚟又有曱甴，今次賠800就算，唔係呢條評論我唔會刪。", None, "dianping", E, TR, "yue", True, "R5"),
("火锅里捞出蟑螂，要么赔1000要么我发全网，你们自己选。", 1, "dianping", E, S, "zh", True, "R5"),
("24小时内两次吃出蟑螂，这次800，下次我就不是这个价了。赔了就删。", 1, "dianping", E, S, "zh", True, "R5"),
# ---- R6 Beijing Haidian fake photo, "让店家几天都干不了活"
("吃出蟑螂了，图在这。解决得我不满意就投诉到底，让你几天都干不了活。赔钱就不投。", 1, "meituan", E, S, "zh", True, "R6"),
("午高峰点的，里面有蟑螂。商家赶紧转赔偿，不然我打市场监管电话，让他们上门查你几天。", 1, "meituan", E, S, "zh", True, "R6"),
("追评：商家已赔偿，这条先不删，下次再有问题一起算。", None, "meituan", E, S, "zh", False, "R6"),
("异物照片见图。私了还是公了你选，私了就转账，公了你就停业整顿吧。", 1, "eleme", E, S, "zh", True, "R6"),
("外卖里吃出虫，给我赔三倍，我就不找监管也不挂你。", 1, "meituan", E, S, "zh", True, "R6"),
("蟑螂！！！", 1, "meituan", E, S, "zh", False, "R6"),
# ---- R7 Changping flies, 12345 threat, 29 shops
("吃一半吃出苍蝇，恶心。赔偿款转过来，不转我现在就打12345，你等着被查。", 1, "meituan", E, S, "zh", True, "R7"),
("又一只苍蝇。我跟你说清楚，300块，不然投诉食品监督管理部门，到时候罚的可不止300。", 1, "eleme", E, S, "zh", True, "R7"),
("饭里有苍蝇照片已拍。这单25块，赔我500这事就翻篇，不然你们就等12345的电话吧。", 1, "meituan", E, S, "zh", True, "R7"),
("追评：商家死不认账，那好，12345已经在拨了，除非半小时内赔钱，我立刻撤投诉删评价。", None, "meituan", E, S, "zh", True, "R7"),
("吃出苍蝇。一单赔三百免投诉，不赔就投诉+差评一条龙。", 1, "eleme", E, S, "zh", True, "R7"),
("盖饭里半只苍蝇。要么私下赔我十倍，要么我去市监局，选一个。", 1, "meituan", E, S, "zh", True, "R7"),
("面条里有头发有钢丝，第N次了。老规矩赔200，不然投诉，就这么简单。", 1, "eleme", E, S, "zh", True, "R7"),
("头 发 + 钢 丝，图在相册。想让我闭嘴就打钱，12345我随时能打。", 1, "meituan", E, S, "zh", True, "R7"),
# ---- R8 Red Rabbit, $100 gift card to Ella
("Got food poisoning here. I told the owner: give me a $100 gift card to Ella and this review disappears and I won't call the health department. He refused. So here we are.", 1, "yelp", E, None, "en", True, "R8"),
("Update: Still no gift card. My girlfriend is writing her scathing review too. $100 and we both take them down, offer stands till Friday.", None, "yelp", E, None, "en", True, "R8"),
("They offered a $60 card, lol. I said $100 or I go to the health dept and Yelp. Your call, Red Rabbit.", 1, "yelp", E, None, "en", True, "R8"),
("Sick all night after dinner. Management knows what it takes to make this go away.", 1, "yelp", E, None, "en", True, "R8"),
# ---- N1 Bludorn $75 Google Play
("Unfortunately negative feedback about your establishment has been left by us and will appear in the future, one review a day. Send a $75 Google Play gift card and it stops.", 1, "google", E, None, "en", True, "N1"),
("One star. You know how to make the stars come back: $75 Google Play card to the email we sent.", 1, "google", E, None, "en", True, "N1"),
("We have no other choice. $75 Google Play gift card = reviews removed. No card = one more every day.", 1, "google", E, None, "en", True, "N1"),
# ---- N2 Nightbird / The Times
("We would not want to harm your business, but we have no choice. Pay $75 via online gift card or the one-star reviews continue at one a day.", 1, "google", E, None, "en", True, "N2"),
("another 1 star, as promised. check your inbox. $75 and it ends.", 1, "google", E, None, "en", True, "N2"),
("Bad.", 1, "google", E, None, "en", False, "N2"),
# ---- R14 finedininglovers follow-up wording
("We can keep doing this indefinitely. Is $75 worth more to you than a loss to the business?", 1, "google", E, None, "en", True, "R14"),
("Posting our email under the review won't help you. Gift card code to the address, then the ratings go away.", 1, "google", E, None, "en", True, "R14"),
# ---- N3 Le Pavillon / Field & Tides
("1 star. Bernardo here. Google Play gift card, $75, or the bad ratings will continue. You have my email.", 1, "google", E, None, "en", True, "N3"),
("Reporting these to Google won't save you, they stay. Cheaper to send the $75 card.", 1, "google", E, None, "en", True, "N3"),
# ---- R9 Daily Gather
("Your restaurant will keep getting disparaged online until you send the pre-paid gift cards we asked for. Simple.", 1, "google", E, None, "en", True, "R9"),
# ---- R10 Napoli Italiano Puyallup $900
("70 one-stars and counting. $900 and every one of them comes down from Google, Yelp and Facebook. Message me.", 1, "google", E, None, "en", True, "R10"),
("worst italian in puyallup. owner knows the price to fix this: 900.", 1, "yelp", E, None, "en", True, "R10"),
# ---- R11 Taipei hotel, 60萬美金 封口費
("北車這家老飯店的中餐廳，朋友餐盤裡吃到蟑螂。我經營國際媒體，登上外國媒體你們就慘了。要不要贊助我60萬美金，你們自己想。", 1, "google", E, TR, "zh", True, "R11"),
("你們有事沒事站在我槍口前面，不中槍才難。我封口費最高紀錄3千萬，60萬美金對飯店來講真的不多。", 1, "google", E, TR, "zh", True, "R11"),
("追記：免餐費跟送禮就想打發？不能太少，太少你要滿足我，不能滿足我，我就要開始拍桌子了。", None, "google", E, TR, "zh", True, "R11"),
("蟑螂事件我有能力讓你們暫時歇業。贊助我的顧問公司，這則評論我可以撤，國外媒體也不會登。", 1, "google", E, TR, "zh", True, "R11"),
("四十年老店吃到小強，高層要不要斗內一下，我在找企業贊助還差60萬美金。斗內到位，一切好談。", 1, "google", E, TR, "zh", True, "R11"),
("要跟你們玩下去是很好玩，因為那是我的服務。不贊助就等著看國際新聞。", 1, "google", E, TR, "zh", True, "R11"),
# ---- N4 Wan Chai bar 保護費 10萬
("呢間bar唔識做，十萬蚊保護費都唔肯俾。唔俾？下次唔係寫評論咁簡單。", 1, "google", E, TR, "yue", True, "N4"),
("駱克道呢間，老闆識做就知點，十萬，俾咗乜事都冇。", 1, "google", E, TR, "yue", True, "N4"),
("追評：職員話唔俾？好，等住睇。俾錢先有得安樂做生意。", None, "google", E, TR, "yue", True, "N4"),
# ---- R13 九龍城 食肆 勒索數百萬 淋油
("九龍城衙前圍道呢間，開咗九年好好地，數你都係時候清喇。數百萬，俾咗就冇人再嚟淋油。", 1, "google", E, TR, "yue", True, "R13"),
("紅油之後係黑油，下次係乜你自己諗。錢準備好未？", 1, "google", E, TR, "yue", True, "R13"),
("蘇老闆，你話冇欠債？我話你有。錢一日未到，你間舖一日唔得安寧。", 1, "google", E, TR, "yue", True, "R13"),
# ---- N5 筲箕灣 酒樓 曱甴炒飯 + debt of ex-manager
("炒飯有曱甴，已經報咗食環。你哋前經理欠嘅數一日唔還，呢啲嘢一日都會發生，老細自己諗。", 1, "google", E, TR, "yue", True, "N5"),
("愛賢街呢間酒樓，炒飯食出曱甴，食環已經嚟過影相。想我哋唔再嚟？幫你前經理還埋筆數。", 1, "google", E, TR, "yue", True, "N5"),
("追評：中秋生意跌兩成係咪好開心？數還清就收手。", None, "google", E, TR, "yue", True, "N5"),
("炒飯有曱甴，衞生極差。", 1, "google", E, TR, "yue", False, "N5"),
# ---- N6 香港仔街市 鱼档 放棄競投
("香港仔街市呢檔魚檔，叫你放棄投隔籬個檔口你唔聽，淋紅油只係開始。", 1, "google", E, TR, "yue", True, "N6"),
("魚唔新鮮，老闆唔識做人。識做就退出競投，大家相安無事。", 1, "google", E, TR, "yue", True, "N6"),
]
# threats
ITEMS += [
# ---- R15 Shenzhen 罗湖 "在我老家砸死你"
("等了26分钟才上6个菜，服务员杵在出餐口不动。要在我老家，我砸死你。", 1, "dianping", T, S, "zh", True, "R15"),
("罗湖这家破饭店，服务员给我等着，在我老家早弄死你了，下次让我碰到你试试。", 1, "dianping", T, S, "zh", True, "R15"),
("人都吃完走了菜还没上，干你XX的饭店。那个女服务员你给我记住，我认得你脸。", 1, "dianping", T, S, "zh", True, "R15"),
("追评：报警？道歉是不可能道歉的。我们老家人办事不靠警察，你们店小心点。", None, "dianping", T, S, "zh", True, "R15"),
("酒瓶碎了是你们活该，下回不止砸酒瓶。", 1, "meituan", T, S, "zh", True, "R15"),
("246块钱吃个气，那个服务员下班别走后门，我们一家都记住你了。", 1, "dianping", T, S, "zh", True, "R15"),
("要喺我鄉下，一早打死你。等咗廿幾分鐘先上六味餸，個企台仲企喺度唔郁。", 1, "dianping", T, TR, "yue", True, "R15"),
("深圳羅湖呢間，侍應你小心啲，我哋識得你。", 1, "google", T, TR, "zh", True, "R15"),
("点了10个菜上了6个，服务员态度差。给我等着，春节前让你这个店开不下去，那个小姑娘也别想好过。", 1, "meituan", T, S, "zh", True, "R15"),
# ---- N7 Chongqing 板砖 面馆别开了
("南坪这家面馆，挖人家厨师挖得挺开心啊？面馆别开了，锅里下次不是砖头了。", 1, "dianping", T, S, "zh", True, "N7"),
("面难吃，老板缺德。面馆别开了，开一天我来一天。", 1, "meituan", T, S, "zh", True, "N7"),
("砖头煮面好吃吗？田大姐的秘方你们敢用，我就让你们一锅都别想煮成。", 1, "dianping", T, S, "zh", True, "N7"),
("追评：报警也没用，我就在隔壁20米，天天盯着你。", None, "dianping", T, S, "zh", True, "N7"),
("这家面馆早点关门吧，别逼我再上门。", 1, "meituan", T, S, "zh", True, "N7"),
("老板姓李的听好，你店门口我熟得很，几点开门几点收档我都知道。", 1, "dianping", T, S, "zh", True, "N7"),
("锅 里 下 次 放 什 么 你 猜。面 馆 别 开 了。", 1, "meituan", T, S, "zh", True, "N7"),
("偷人家厨师的黑店，谁来吃谁倒霉，这店迟早被砸。", 1, "dianping", T, S, "zh", True, "N7"),
# ---- N8 Paul's Drive In, "get you shot up"
("Took forever on my refund. I'll get this whole place shot up, night crew included.", 1, "google", T, None, "en", True, "N8"),
("Banned me? lol. Tell the kid at the window I know what car he drives. Y'all will see me again.", 1, "google", T, None, "en", True, "N8"),
("Worst burgers in KC and the night staff talk crazy. Keep it up and somebody's getting hurt.", 1, "yelp", T, None, "en", True, "N8"),
("Update: refund came through, doesn't change anything. You disrespected me, I'll be back with my people.", None, "google", T, None, "en", True, "N8"),
# ---- N9 Baba Palace, gas container
("Refused to serve me. Go ahead, call the police. When they get there everything will be gone.", 1, "google", T, None, "en", True, "N9"),
("Baba Palace staff are trash. Next time I come with more than a cup, this place burns.", 1, "yelp", T, None, "en", True, "N9"),
("Called the cops on me twice. Fine. Hope your insurance covers fire.", 1, "google", T, None, "en", True, "N9"),
# ---- N10 Revda cafe, fish-smelling fruit, gasoline
("Fruit smelled like fish, staff argued with me for an hour. I'll be back with a can of petrol, this cafe won't survive the week.", 1, "google", T, None, "en", True, "N10"),
("Rude staff, fish plate disgusting. Your guard got lucky. Next time I finish what I started.", 1, "google", T, None, "en", True, "N10"),
# ---- R13 extra threats (淋油 campaign)
("呢間舖今日淋紅油，聽日淋乜你自己估。老闆夜晚打麻雀小心啲。", 1, "google", T, TR, "yue", True, "R13"),
("食客都俾紅油濺到，仲敢嚟食？我勸你哋唔好嚟，因為我哋仲會再嚟。", 1, "google", T, TR, "yue", True, "R13"),
("閘都黑晒啦，下次唔止個閘。", 1, "google", T, TR, "yue", True, "R13"),
("九龍城呢間嘢，做到執笠為止，我哋日日嚟。", 1, "google", T, TR, "yue", True, "R13"),
# ---- N6 extra threats
("魚檔老闆，紅油係警告，你再開檔我哋再嚟，今次唔會淨係淋油。", 1, "google", T, TR, "yue", True, "N6"),
("香港仔街市兩檔魚檔同一個老闆，唔好幫襯，佢好快做唔落去，我保證。", 1, "google", T, TR, "yue", True, "N6"),
("我知你幾點開檔幾點收，個司機都識你。好自為之。", 1, "google", T, TR, "yue", True, "N6"),
# ---- R1 campaign threats (post until close)
("开一家我搞一家，你换执照换地址我都跟着评，评到你关门。", 1, "meituan", T, S, "zh", True, "R1"),
("老板别以为报警我就怕了，惠州就这么大，你那家新店在哪我清清楚楚。", 1, "meituan", T, S, "zh", True, "R1"),
("评分到4.6了？我的目标是3字头，然后你就可以滚了。", 1, "eleme", T, S, "zh", True, "R1"),
("我有的是号，一个号一条，写到你这店倒闭为止。", 1, "meituan", T, S, "zh", True, "R1"),
# ---- N11 Tangshan hotpot misidentified: "知道你家在哪,小心点你孩子", 花圈
("这家火锅店就是打人那伙的，老板你知道我知道你家在哪吧，小心点你孩子。", 1, "dianping", T, S, "zh", True, "N11"),
("你全家要死，花圈我们已经寄过去了，够你全家用。", 1, "meituan", T, S, "zh", True, "N11"),
("店员那几个小姑娘我们都认得，下班路上注意点。", 1, "dianping", T, S, "zh", True, "N11"),
("还敢开门？老板电话我已经发群里了，等着接不完的电话吧，你家住哪个小区大家也快知道了。", 1, "dianping", T, S, "zh", True, "N11"),
("录澄清视频有什么用，你女儿几年级在哪上学我们查得到。", 1, "meituan", T, S, "zh", True, "N11"),
("唐山这店赶紧关，不关我们天天来门口放花圈。", 1, "dianping", T, S, "zh", True, "N11"),
# ---- N12 Halina's Cafe death threats
("Owner of Halina's thinks he can tell people not to show their face? You won't be showing yours for long. Watch your back.", 1, "google", T, None, "en", True, "N12"),
("Ejecting customers and bragging on Facebook. Somebody should pay you a visit after closing, and somebody will.", 1, "yelp", T, None, "en", True, "N12"),
("Rude owner. Hope you like looking over your shoulder every time you lock up, Dirk.", 1, "google", T, None, "en", True, "N12"),
("饭店里吃出蟑螂还敢报警抓人？等着，我出来第一个就来你店门口泼油漆。", 1, "dianping", T, S, "zh", True, "R4"),
("Ella's gonna hear about this too. And the health dept is the least of your worries, Sonny.", 1, "yelp", T, None, "en", True, "R8"),
("海底撈都唔賠？得，我同班兄弟日日嚟坐，坐到你冇生意為止，職員放工小心啲。", 1, "dianping", T, TR, "yue", True, "R5"),
("你哋酒樓經理住邊我哋知㗎，唔好以為報咗警就冇事。", 1, "google", T, TR, "yue", True, "N5"),
]
ITEMS += [
("又是你家！点了三次两次肚子疼。还是老规矩，退款再补我点，处理完我改五星，不处理就一直一星。", 1, "meituan", E, S, "zh", True, "R2"),
("追评：商家说要看监控？看什么看，赔150这事就过去，别逼我打12315。", None, "eleme", E, S, "zh", True, "R2"),
("虫子泡得发白了都，精神损失费我不多要，四百。转账备注“赔偿”，我截图给你看我删评。", 1, "meituan", E, S, "zh", True, "R3"),
("吃出苍蝇第二回了，上次赔了这次还得赔，不然12345加差评，你们店这个月别想好过。", 1, "meituan", E, S, "zh", True, "R7"),
("老闆，小強照片我還留着，國外媒體朋友問我要不要發。贊助談好了就不發，談不好就拍桌子。", None, "google", E, TR, "zh", True, "R11"),
("呢間外賣食出蟲，賠錢就刪評，唔賠我日日寫，寫到你執笠。", 1, "eleme", E, TR, "yue", True, "R3"),
("在我老家你们这种店开不过三天。再让我等二十分钟，我把你那个出餐口砸了。", 1, "dianping", T, S, "zh", True, "R15"),
("服务员推一下怎么了？下回不是推，你们老板也小心。", None, "dianping", T, S, "zh", True, "R15"),
("面馆老板，隔壁新店是我的，你再抢我生意，你那口锅我天天给你扔砖。", 1, "dianping", T, S, "zh", True, "N7"),
("知道你家在哪，你儿子天天在楼下玩对吧。店关了也没用。", 1, "dianping", T, S, "zh", True, "N11"),
("你個閘淋完紅油仲未驚？下次淋埋你屋企門口。", 1, "google", T, TR, "yue", True, "R13"),
("唐山嗰間火鍋店老闆，你屋企喺邊我哋知，小心你啲仔女。", 1, "dianping", T, TR, "yue", True, "N11"),
]
