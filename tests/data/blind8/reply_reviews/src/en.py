# English Google reviews, typed by hand. (rating, platform, setting, text, [(aspect, span, "kw|kw")])
G, DL, DI = "google", "delivery", "dine_in"
R = []
R += [
(1, G, DI, "Waited 45 minutes for our mains and when they finally came the steak was well done when I asked for medium rare. Server never checked on us once.", [
    ("service.waiting", "Waited 45 minutes for our mains", "wait|delay"), ("food.doneness", "the steak was well done when I asked for medium rare", "medium rare|steak|cooked"), ("service.attentiveness", "Server never checked on us once", "check|server")]),
(2, G, DL, "Ordered through Deliveroo, arrived an hour late and stone cold. Fries were soggy.", [
    ("delivery.late", "arrived an hour late", "late|delivery"), ("delivery.cold_on_arrival", "stone cold", "cold|temperature"), ("food.doneness", "Fries were soggy", "fries|soggy")]),
(1, G, DI, "Found a long black hair in my pho. The manager just shrugged and said he'd get me a new bowl. No apology, still charged full price.", [
    ("hygiene.foreign_object", "Found a long black hair in my pho", "hair|pho"), ("service.attitude", "The manager just shrugged", "apology|manager"), ("price.billing", "still charged full price", "charge|refund")]),
(2, G, DI, "Way overpriced for what you get. $32 for a tiny bowl of pasta with maybe 4 shrimp in it. Also waited forever for the check.", [
    ("price.expensive", "Way overpriced for what you get", "price|overpriced"), ("food.portion", "maybe 4 shrimp in it", "portion|shrimp"), ("service.waiting", "waited forever for the check", "wait|check")]),
(3, G, DI, "Food was decent but the music is SO loud you literally cannot hear the person across from you. Also the chairs are those tiny metal stools, my back was killing me.", [
    ("environment.noise", "the music is SO loud", "music|loud|noise"), ("environment.comfort", "the chairs are those tiny metal stools, my back was killing me", "chairs|seating|comfortable")]),
(1, G, DL, "Half my order was missing - no spring rolls, no rice. Called the restaurant and they hung up on me. The stuff that did come was cold.", [
    ("service.missing_item", "no spring rolls, no rice", "missing|spring rolls"), ("service.attitude", "they hung up on me", "call|phone"), ("delivery.cold_on_arrival", "The stuff that did come was cold", "cold|temperature")]),
(1, G, DI, "Saw a cockroach crawling up the wall next to our booth. Told the waitress and she said 'yeah it happens'. Never again.", [
    ("hygiene.pests", "Saw a cockroach crawling up the wall", "cockroach|pest"), ("service.attitude", "she said 'yeah it happens'", "response|staff")]),
(2, G, DL, "The curry leaked all over the bag because the lid wasn't on properly. Also they forgot the naan.", [
    ("delivery.spilled", "The curry leaked all over the bag", "leak|spill"), ("delivery.packaging", "the lid wasn't on properly", "lid|packaging"), ("service.missing_item", "they forgot the naan", "naan|missing")]),
(2, G, DI, "They add a mandatory 15% service charge AND the card machine asks for a tip. Double dipping much? The dumplings were also undercooked, doughy in the middle.", [
    ("price.billing", "They add a mandatory 15% service charge AND the card machine asks for a tip", "service charge|tip"), ("food.doneness", "doughy in the middle", "undercooked|dumplings")]),
(1, G, DI, "Got food poisoning after eating the chicken rice here. Spent the whole night throwing up. The chicken tasted a bit off even at the time.", [
    ("hygiene.illness", "Spent the whole night throwing up", "food poisoning|sick"), ("hygiene.spoiled", "The chicken tasted a bit off", "chicken|off")]),
(2, G, DI, "Tables are crammed so close together that the server had to squeeze past with plates over our heads. Bathroom was filthy too, no soap.", [
    ("environment.space", "Tables are crammed so close together", "space|tables|cramped"), ("environment.cleanliness", "Bathroom was filthy too, no soap", "bathroom|clean")]),
(3, G, DL, "Taste is fine but the portion has shrunk a lot. The large is the size the small used to be. Delivery fee went up as well.", [
    ("food.portion", "The large is the size the small used to be", "portion|size"), ("price.expensive", "Delivery fee went up as well", "delivery fee|price")]),
(1, G, DI, "Booked a table for 8pm, showed up on time and they'd given it away. Then made us wait 40 minutes at the bar and didn't even offer a drink.", [
    ("service.order_handling", "they'd given it away", "booking|reservation"), ("service.waiting", "made us wait 40 minutes at the bar", "wait|table"), ("service.attentiveness", "didn't even offer a drink", "drink|offer")]),
(2, G, DL, "Wrong order delivered, got someone's veggie burger instead of my chicken one. Driver was rude when I pointed it out.", [
    ("service.wrong_item", "got someone's veggie burger instead of my chicken one", "wrong order|burger"), ("delivery.rider", "Driver was rude", "driver|rude")]),
(None, G, DI, "Sushi rice was hard and cold, fish didn't taste fresh at all. Pretty disappointing for a place with 4.5 stars.", [
    ("food.temperature", "Sushi rice was hard and cold", "rice|cold"), ("food.freshness", "fish didn't taste fresh at all", "fresh|fish")]),
(1, G, DI, "Place smells like old fryer oil and the floor is sticky. Menu only has like 6 things on it and half were 'not available today'.", [
    ("environment.comfort", "Place smells like old fryer oil", "smell|oil"), ("environment.cleanliness", "the floor is sticky", "floor|clean"), ("food.variety", "Menu only has like 6 things on it and half were 'not available today'", "menu|available")]),
(2, G, DL, "Uber Eats said 25 min, took 80. The pad thai was a congealed lump by the time it got here and no cutlery included even though I ticked the box.", [
    ("delivery.late", "Uber Eats said 25 min, took 80", "late|time"), ("food.look", "The pad thai was a congealed lump", "pad thai|lump"), ("service.utensils", "no cutlery included even though I ticked the box", "cutlery|utensils")]),
(3, G, DI, "Cute decor and nice staff. But the 'happy hour' deal on the website doesn't exist anymore apparently, and nobody told us until the bill came. Cocktails also took 25 minutes to show up.", [
    ("price.discount", "the 'happy hour' deal on the website doesn't exist anymore", "happy hour|deal"), ("service.waiting", "Cocktails also took 25 minutes to show up", "wait|cocktails")]),
(1, G, DI, "The hostess was incredibly rude, acted like we were bothering her by asking for a table. Then they tried to seat us right next to the kitchen door.", [
    ("service.attitude", "The hostess was incredibly rude", "rude|hostess"), ("environment.location", "right next to the kitchen door", "seat|kitchen door")]),
(2, G, DL, "Ordered a cold brew and an iced latte, both arrived warm with all the ice melted and half the latte spilled in the carrier.", [
    ("food.temperature", "both arrived warm with all the ice melted", "ice|warm"), ("delivery.spilled", "half the latte spilled in the carrier", "spill|latte")]),
]
R += [
(1, G, DL, "Pizza showed up 70 mins late, box was crushed on one side and all the toppings had slid to one corner. Driver left it on the wrong doorstep.", [
    ("delivery.late", "Pizza showed up 70 mins late", "late|delivery"), ("delivery.packaging", "box was crushed on one side", "box|packaging"), ("food.look", "all the toppings had slid to one corner", "toppings|pizza"), ("delivery.rider", "Driver left it on the wrong doorstep", "driver|doorstep")]),
(2, G, DL, "Bland. Zero seasoning on the chicken. And $6 for a can of coke on the app, are you kidding. Arrived cold too", [
    ("food.taste", "Bland. Zero seasoning on the chicken", "seasoning|flavor|bland"), ("price.expensive", "$6 for a can of coke", "price|coke"), ("delivery.cold_on_arrival", "Arrived cold too", "cold|arrived")]),
(1, G, DL, "There was a piece of blue plastic in my fried rice. Messaged them with photos, no reply after 3 days.", [
    ("hygiene.foreign_object", "a piece of blue plastic in my fried rice", "plastic|fried rice"), ("service.order_handling", "no reply after 3 days", "reply|response")]),
(2, G, DL, "I asked for no peanuts (allergy!!) and it was covered in them. Also the sauce was so salty I couldn't finish it.", [
    ("service.wrong_item", "it was covered in them", "peanuts|allergy"), ("food.taste", "the sauce was so salty", "salty|sauce")]),
(None, G, DL, "The salad greens were brown and slimy, and the chicken in it smelled sour. Threw the whole thing out.", [
    ("food.freshness", "The salad greens were brown and slimy", "greens|fresh"), ("hygiene.spoiled", "the chicken in it smelled sour", "sour|chicken")]),
(2, G, DL, "Food was okay but they charged me twice for the same order. Still waiting on the refund a week later.", [
    ("price.billing", "they charged me twice for the same order", "charged twice|charge"), ("service.order_handling", "Still waiting on the refund a week later", "refund|waiting")]),
(1, G, DL, "Soup was barely lukewarm, noodles had turned to mush. For $19 plus delivery that's a joke.", [
    ("delivery.cold_on_arrival", "Soup was barely lukewarm", "lukewarm|soup"), ("food.doneness", "noodles had turned to mush", "noodles|mushy"), ("price.value", "For $19 plus delivery that's a joke", "price|value")]),
(3, G, DL, "Burger itself was good but the fries were missing and there were no napkins or straw. Small thing but annoying.", [
    ("service.missing_item", "the fries were missing", "fries|missing"), ("service.utensils", "there were no napkins or straw", "napkins|straw")]),
(1, G, DL, "Driver ate some of my fries, I'm not even joking, the bag was open and the container half empty. Restaurant said it's not their problem.", [
    ("delivery.rider", "Driver ate some of my fries", "driver|fries"), ("delivery.packaging", "the bag was open", "bag|sealed"), ("service.attitude", "Restaurant said it's not their problem", "response|restaurant")]),
(2, G, DL, "Promo said 30% off your first order, didn't apply at checkout. Chow mein was greasy and the veg was overcooked.", [
    ("price.discount", "Promo said 30% off your first order, didn't apply at checkout", "promo|discount"), ("food.taste", "Chow mein was greasy", "greasy|oily"), ("food.doneness", "the veg was overcooked", "overcooked|veg")]),
(1, G, DL, "Both of us got sick after eating the prawns from here. The prawns were mushy and smelled funny.", [
    ("hygiene.illness", "Both of us got sick", "sick|ill"), ("food.freshness", "The prawns were mushy and smelled funny", "prawns|fresh")]),
(None, G, DL, "Same 5 dishes they've had for years, nothing new. And tonight's biryani had barely any chicken, mostly rice.", [
    ("food.variety", "Same 5 dishes they've had for years", "menu|new dishes"), ("food.portion", "barely any chicken, mostly rice", "chicken|portion")]),
(2, G, DL, "Restaurant cancelled my order after 40 mins saying they were 'too busy'. Why accept it in the first place? And the refund came back as app credit, not to my card.", [
    ("service.order_handling", "Restaurant cancelled my order after 40 mins", "cancelled|order"), ("price.billing", "the refund came back as app credit, not to my card", "refund|card")]),
(1, G, DL, "Found a dead fly in the sauce container. The kitchen clearly has no hygiene standards whatsoever.", [
    ("hygiene.pests", "Found a dead fly in the sauce container", "fly|pest"), ("hygiene.kitchen", "The kitchen clearly has no hygiene standards", "kitchen|hygiene")]),
(2, G, DL, "Got the wrong drink (Sprite instead of Diet Coke) and the garlic bread was burnt black on the bottom.", [
    ("service.wrong_item", "Sprite instead of Diet Coke", "wrong|drink"), ("food.doneness", "the garlic bread was burnt black on the bottom", "burnt|garlic bread")]),
(3, G, DL, "Tastes fine, but it's always late. Every single time at least 30 mins past the estimate. And the driver never follows the drop-off instructions, just rings every buzzer in the building.", [
    ("delivery.late", "Every single time at least 30 mins past the estimate", "late|estimate"), ("delivery.rider", "the driver never follows the drop-off instructions", "driver|instructions")]),
(1, G, DL, "Styrofoam container had melted into the food, you could taste the plastic. Gross. Also the rice was undercooked, crunchy.", [
    ("delivery.packaging", "Styrofoam container had melted into the food", "container|packaging"), ("food.taste", "you could taste the plastic", "taste|plastic"), ("food.doneness", "the rice was undercooked, crunchy", "rice|undercooked")]),
(2, G, DL, "$4.99 'small order fee' on top of delivery fee and service fee. $38 for two burritos. Not worth it.", [
    ("price.billing", "$4.99 'small order fee' on top of delivery fee and service fee", "fee|charges"), ("price.value", "$38 for two burritos. Not worth it", "value|price")]),
]
R += [
(1, G, DI, "Ordered the lamb shank, it was tough as leather and barely warm. Waiter argued with me when I sent it back.", [
    ("food.doneness", "tough as leather", "tough|lamb"), ("food.temperature", "barely warm", "warm|temperature"), ("service.attitude", "Waiter argued with me when I sent it back", "waiter|sent back")]),
(2, G, DI, "Impossible to find, it's hidden inside a parking garage with no signage, and there's no parking validation either. Food was ok-ish.", [
    ("environment.location", "hidden inside a parking garage with no signage", "find|signage|location"), ("price.discount", "there's no parking validation either", "parking|validation")]),
(2, G, DI, "They have a 90 minute table limit and a 2 drink minimum per person that nobody mentions when you book. Felt rushed the whole time.", [
    ("service.rules", "a 90 minute table limit and a 2 drink minimum per person", "time limit|minimum"), ("service.attitude", "Felt rushed the whole time", "rushed|staff")]),
(1, G, DI, "Glasses had lipstick marks, forks had dried food on them. Kitchen staff were handling raw chicken and then plating salads without changing gloves, I could see it from the counter.", [
    ("service.utensils", "Glasses had lipstick marks, forks had dried food on them", "glasses|cutlery"), ("hygiene.kitchen", "handling raw chicken and then plating salads without changing gloves", "gloves|kitchen")]),
(3, G, DI, "The interior looks tired - ripped booth seats, stained carpet, fluorescent lights. Food is honestly fine, just wish they'd spend some money on the place. Prices went up again too.", [
    ("environment.decor", "The interior looks tired - ripped booth seats, stained carpet, fluorescent lights", "interior|decor"), ("price.expensive", "Prices went up again too", "prices|price")]),
(2, G, DI, "Only 3 vegetarian options and two of them were sold out. The one I got was just plain pasta with some spinach thrown on.", [
    ("food.variety", "Only 3 vegetarian options and two of them were sold out", "vegetarian|options"), ("food.taste", "just plain pasta with some spinach thrown on", "pasta|bland")]),
(1, G, DI, "A mouse ran across the floor during dinner. Staff laughed it off. Then my burger came out pink in the middle when I asked for well done.", [
    ("hygiene.pests", "A mouse ran across the floor during dinner", "mouse|pest"), ("service.attitude", "Staff laughed it off", "staff|laughed"), ("food.doneness", "pink in the middle when I asked for well done", "well done|burger")]),
(2, G, DI, "Queue was 1h+ and the 'no reservations' rule is ridiculous for a place this size. Once inside, super cramped.", [
    ("service.waiting", "Queue was 1h+", "queue|wait"), ("service.rules", "the 'no reservations' rule is ridiculous", "reservations|policy"), ("environment.space", "super cramped", "cramped|space")]),
(2, G, DI, "We were seated on the terrace right next to a busy road, couldn't hear a thing and it stank of exhaust. Asked to move inside and were told no.", [
    ("environment.noise", "couldn't hear a thing", "noise|road"), ("environment.comfort", "it stank of exhaust", "exhaust|smell"), ("service.order_handling", "Asked to move inside and were told no", "move|table")]),
(1, G, DI, "Our order was completely wrong - got the beef instead of the tofu, and the spring rolls we ordered never came. Waited 30 minutes to get anyone's attention.", [
    ("service.wrong_item", "got the beef instead of the tofu", "wrong|tofu"), ("service.missing_item", "the spring rolls we ordered never came", "spring rolls|missing"), ("service.attentiveness", "Waited 30 minutes to get anyone's attention", "attention|staff")]),
(2, G, DI, "The dim sum was clearly reheated from frozen, skins cracked and dry. Tea charge of $5 per person wasn't on the menu.", [
    ("food.freshness", "clearly reheated from frozen", "frozen|fresh"), ("food.look", "skins cracked and dry", "skins|dry"), ("price.billing", "Tea charge of $5 per person wasn't on the menu", "tea charge|menu")]),
(3, G, DI, "Nice enough spot but the booths are tiny and the AC was blasting, we were freezing the whole meal.", [
    ("environment.space", "the booths are tiny", "booths|space"), ("environment.comfort", "the AC was blasting, we were freezing", "AC|cold")]),
(1, G, DI, "Staff were more interested in their phones than in serving anyone. Our table stayed dirty with the previous customers' plates for 15 min.", [
    ("service.attentiveness", "Staff were more interested in their phones", "staff|phones"), ("environment.cleanliness", "Our table stayed dirty with the previous customers' plates", "table|clean")]),
(2, G, DI, "Smelled bleach the whole time, really strong, and the bathroom had no toilet paper. Food was mid.", [
    ("environment.comfort", "Smelled bleach the whole time", "smell|bleach"), ("environment.cleanliness", "the bathroom had no toilet paper", "bathroom|toilet paper"), ("food.taste", "Food was mid", "food|flavor")]),
(1, G, DI, "Charged us for 4 drinks when we had 2, and the waiter got defensive when we questioned it. Oysters were also warm and a bit funky.", [
    ("price.billing", "Charged us for 4 drinks when we had 2", "charged|bill"), ("service.attitude", "the waiter got defensive", "waiter|defensive"), ("food.temperature", "Oysters were also warm", "oysters|warm"), ("food.freshness", "a bit funky", "fresh|oysters")]),
(2, G, DI, "Decor is straight out of 2005, fake plants and peeling paint. The 'signature' ramen broth was watery.", [
    ("environment.decor", "Decor is straight out of 2005, fake plants and peeling paint", "decor|paint"), ("food.taste", "ramen broth was watery", "broth|watery")]),
(None, G, DI, "Kid's meal came out 20 min after ours, and it was a tiny portion for $14.", [
    ("service.waiting", "Kid's meal came out 20 min after ours", "kids meal|wait"), ("food.portion", "it was a tiny portion for $14", "portion|kids")]),
]
