A = {
 "taste":"food.taste","temp":"food.temperature","portion":"food.portion","fresh":"food.freshness",
 "done":"food.doneness","look":"food.look","variety":"food.variety",
 "att":"service.attitude","wait":"service.waiting","wrong":"service.wrong_item","missing":"service.missing_item",
 "utensils":"service.utensils","attn":"service.attentiveness","order":"service.order_handling","rules":"service.rules",
 "late":"delivery.late","spilled":"delivery.spilled","cold":"delivery.cold_on_arrival","rider":"delivery.rider","pack":"delivery.packaging",
 "clean":"environment.cleanliness","noise":"environment.noise","space":"environment.space","decor":"environment.decor",
 "comfort":"environment.comfort","location":"environment.location",
 "value":"price.value","exp":"price.expensive","discount":"price.discount","billing":"price.billing",
 "foreign":"hygiene.foreign_object","ill":"hygiene.illness","spoiled":"hygiene.spoiled","pests":"hygiene.pests","kitchen":"hygiene.kitchen",
}
ITEMS = []
def R(lang, text, rating, platform, setting, comps):
    ITEMS.append(dict(lang=lang, text=text, rating=rating, platform=platform,
                      setting={"d":"delivery","i":"dine_in"}[setting], comps=comps))
