package plot

import "image/color"

// Palette holds the colours of labelled data, in the order labels take
// them: Tableau's qualitative "Tableau 10" colours, chosen to be told apart
// easily (also by many colour-blind readers) and familiar from matplotlib,
// followed by their ten lighter companions from "Tableau 20". With more than
// 20 labels the colours repeat with other point shapes.
//
// The hex values are those of matplotlib 3.6.3 as packaged by Debian
// (python3-matplotlib): the named colours "tab:blue" … "tab:cyan" in
// /usr/lib/python3/dist-packages/matplotlib/_color_data.py (TABLEAU_COLORS)
// and the colormap "tab20" in .../matplotlib/_cm.py (_tab20_data), whose
// even entries are the ten above and odd entries the light ones below.
var Palette = []color.Color{
	hex(0x1f77b4), // blue
	hex(0xff7f0e), // orange
	hex(0x2ca02c), // green
	hex(0xd62728), // red
	hex(0x9467bd), // purple
	hex(0x8c564b), // brown
	hex(0xe377c2), // pink
	hex(0x7f7f7f), // grey
	hex(0xbcbd22), // olive
	hex(0x17becf), // cyan
	hex(0xaec7e8), // light blue
	hex(0xffbb78), // light orange
	hex(0x98df8a), // light green
	hex(0xff9896), // light red
	hex(0xc5b0d5), // light purple
	hex(0xc49c94), // light brown
	hex(0xf7b6d2), // light pink
	hex(0xc7c7c7), // light grey
	hex(0xdbdb8d), // light olive
	hex(0x9edae5), // light cyan
}

// hex returns the opaque colour 0xRRGGBB.
func hex(v uint32) color.NRGBA {
	return color.NRGBA{R: uint8(v >> 16), G: uint8(v >> 8), B: uint8(v), A: 0xff}
}
