-- Demo catalog, inserted once by Flyway. Fixed ids keep links, tests and demo scripts stable;
-- ON CONFLICT keeps a re-run (e.g. after a baseline) harmless. Prices in euro cents.
INSERT INTO products (id, name, description, price_amount, currency, stock) VALUES
('844dad7b-4ed1-4d50-a1fe-e5f3ca6cd98e', 'Ceramic Pour-Over Coffee Dripper', 'Hand-glazed stoneware dripper for size 02 paper filters; brews one to four cups.', 2490, 'EUR', 60),
('950a2d43-7751-4cd0-9ecc-d7851b364f96', 'Stainless Steel Gooseneck Kettle', 'One-litre stovetop kettle with a precision spout and a built-in thermometer.', 5900, 'EUR', 35),
('dbd7a9ed-e11e-437e-9318-bedfa3767c8b', 'Burr Coffee Grinder', 'Conical steel burrs, 40 grind settings, from espresso-fine to French-press coarse.', 12900, 'EUR', 25),
('2f51435e-8bfe-45b1-aff3-0d304e47cced', 'Whole Bean Coffee, Ethiopia Yirgacheffe', '250 g of light-roast single-origin beans with notes of jasmine and lemon.', 1450, 'EUR', 100),
('b324b4da-407b-49b9-938b-ab986d7461c4', 'Loose Leaf Green Tea, Sencha', '100 g of first-flush Japanese sencha in a resealable tin.', 1190, 'EUR', 80),
('6fec6fab-542d-4faf-8414-1785cf33f648', 'Cast Iron Teapot', 'Japanese tetsubin-style teapot, 0.8 litres, with a stainless steel infuser.', 4900, 'EUR', 30),
('1d181a56-b7b7-4209-b1f2-d7414593ebf4', 'Linen Apron', 'Stonewashed linen apron with two front pockets and adjustable straps.', 3200, 'EUR', 45),
('5de368ae-3d60-466e-8182-7fc1bc0336b2', 'Chef''s Knife, 20 cm', 'Forged German stainless steel chef''s knife with a full tang and a pakkawood handle.', 8900, 'EUR', 40),
('6665f0c0-4cbf-42fc-a5fa-3c0b5591e607', 'End-Grain Cutting Board', 'Oiled walnut end-grain board, 40 x 30 cm, kind to knife edges.', 7500, 'EUR', 25),
('8d43d8b4-8c31-4749-ba6d-b8ad91b15bae', 'Enamelled Dutch Oven', '4.7-litre cast iron casserole, oven safe to 250 °C, suitable for induction.', 15900, 'EUR', 25),
('65b390b3-be87-453a-b868-e6ca463e04bc', 'Wool Throw Blanket', 'Merino wool throw, 130 x 170 cm, woven in Portugal.', 8900, 'EUR', 50),
('4033a939-d523-4f4c-9f27-e0f97f8b5b0f', 'Scented Soy Candle, Cedar', 'Hand-poured soy wax candle with cedarwood and vetiver, about 45 hours of burn time.', 2200, 'EUR', 90),
('ab1b38cc-9efb-48db-b106-5d8e80c3cde3', 'Desk Lamp with Dimmer', 'Aluminium LED desk lamp with a stepless dimmer and warm-to-cool colour temperature.', 6900, 'EUR', 40),
('38a879c9-4b89-4d41-9ae5-67ba7a1c87fd', 'Notebook, Dotted, A5', '192 pages of 100 g/m² acid-free paper, lay-flat binding.', 1690, 'EUR', 100),
('cfface4d-149b-43ba-8415-80f72abd101a', 'Fountain Pen', 'Steel-nib fountain pen, medium point, with a converter and two ink cartridges.', 3500, 'EUR', 55),
('a9996925-ecca-4976-bf24-1c2135ed32cc', 'Canvas Backpack', 'Waxed canvas backpack, 22 litres, with a padded laptop sleeve for up to 15 inches.', 9900, 'EUR', 30),
('70fb7898-1838-405f-88f6-089d542d3e59', 'Insulated Water Bottle', 'Double-walled stainless steel bottle, 750 ml; keeps drinks cold for 24 hours.', 2900, 'EUR', 75),
('76dbe3a9-e523-498c-85f5-f2b32c87d858', 'Yoga Mat', 'Natural rubber mat, 4 mm thick, with a non-slip surface and a carrying strap.', 5900, 'EUR', 35),
('8347f907-5949-4b74-9587-f055516cf628', 'Wireless Earbuds', 'Bluetooth 5.3 earbuds with active noise cancelling and a wireless charging case.', 12900, 'EUR', 60),
('7a3ce5b1-c142-4be6-93f9-7ad5e06e0d57', 'Houseplant, Monstera Deliciosa', 'Swiss cheese plant in a 17 cm nursery pot, about 60 cm tall.', 3490, 'EUR', 25)
ON CONFLICT (id) DO NOTHING;
