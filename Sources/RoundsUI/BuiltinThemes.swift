/// The themes shipped in Themes/, compiled in so Rounds needs no files at run time.
/// Generated from Themes/*.theme; a test keeps the two identical.
public enum BuiltinThemes {
    public static let all: [String: String] = [
        "default": #"""
# Rounds theme: default (dark terminal background)
#
#   color SLOT FOREGROUND BACKGROUND [bold] [reverse] [underline] [dim]
#   mono  SLOT [bold] [reverse] [underline] [dim]
#
# Colours: default, black red green yellow blue magenta cyan white, bright<name>, color0-color255.
# Every clinical state also has a glyph and a word on screen; colour only adds emphasis.

color normal             default  default
mono  normal
color dim                color244 default
mono  dim                dim
color header             black    cyan
mono  header             reverse
color headerAlert        brightwhite red   bold
mono  headerAlert        reverse bold
color paneTitle          cyan     default
mono  paneTitle
color paneTitleFocused   brightcyan default bold
mono  paneTitleFocused   bold underline
color border             color240 default
mono  border             dim
color borderFocused      cyan     default
mono  borderFocused      bold
color columnHeading      color250 default underline
mono  columnHeading      underline
color selected           black    brightcyan
mono  selected           reverse
color selectedUnfocused  default  color238
mono  selectedUnfocused  underline
color unitHeading        brightwhite default bold
mono  unitHeading        bold
color overdue            brightred default bold
mono  overdue            bold
color stat               color208 default bold
mono  stat               bold
color urgent             yellow   default
mono  urgent
color routine            default  default
mono  routine
color done               color244 default
mono  done               dim
color bed.available      green    default
mono  bed.available
color bed.reserved       cyan     default
mono  bed.reserved
color bed.occupied       default  default
mono  bed.occupied
color bed.dirty          yellow   default bold
mono  bed.dirty          bold
color bed.cleaning       color214 default
mono  bed.cleaning
color bed.blocked        color244 default
mono  bed.blocked        dim
color lab.critical       brightwhite red   bold
mono  lab.critical       reverse bold
color lab.abnormal       yellow   default
mono  lab.abnormal       bold
color lab.pending        default  default
mono  lab.pending
color message.urgent     brightred default bold
mono  message.urgent     bold
color message.unread     brightwhite default
mono  message.unread     bold
color hint.key           black    color250 bold
mono  hint.key           reverse
color hint               color250 color236
mono  hint
color status.ok          green    default
mono  status.ok
color status.error       brightred default bold
mono  status.error       bold
color command.line       brightwhite color236
mono  command.line       bold
color overlay            default  color235
mono  overlay
color overlay.title      brightcyan color235 bold
mono  overlay.title      bold
color field              default  color238
mono  field              underline
color field.focused      black    brightcyan
mono  field.focused      reverse
color field.error        brightred color235 bold
mono  field.error        bold
color banner             black    yellow bold
mono  banner             reverse bold

"""#,
        "light": #"""
# Rounds theme: light (light terminal background)
#
#   color SLOT FOREGROUND BACKGROUND [bold] [reverse] [underline] [dim]
#   mono  SLOT [bold] [reverse] [underline] [dim]
#
# Colours: default, black red green yellow blue magenta cyan white, bright<name>, color0-color255.
# Every clinical state also has a glyph and a word on screen; colour only adds emphasis.

color normal             default  default
mono  normal
color dim                color243 default
mono  dim                dim
color header             white    blue
mono  header             reverse
color headerAlert        brightwhite red   bold
mono  headerAlert        reverse bold
color paneTitle          blue     default
mono  paneTitle
color paneTitleFocused   blue     default bold
mono  paneTitleFocused   bold underline
color border             color248 default
mono  border             dim
color borderFocused      blue     default
mono  borderFocused      bold
color columnHeading      color238 default underline
mono  columnHeading      underline
color selected           white    blue
mono  selected           reverse
color selectedUnfocused  default  color252
mono  selectedUnfocused  underline
color unitHeading        black    default bold
mono  unitHeading        bold
color overdue            red      default bold
mono  overdue            bold
color stat               color166 default bold
mono  stat               bold
color urgent             color130 default
mono  urgent
color routine            default  default
mono  routine
color done               color244 default
mono  done               dim
color bed.available      green    default
mono  bed.available
color bed.reserved       cyan     default
mono  bed.reserved
color bed.occupied       default  default
mono  bed.occupied
color bed.dirty          color130 default bold
mono  bed.dirty          bold
color bed.cleaning       color136 default
mono  bed.cleaning
color bed.blocked        color244 default
mono  bed.blocked        dim
color lab.critical       brightwhite red   bold
mono  lab.critical       reverse bold
color lab.abnormal       yellow   default
mono  lab.abnormal       bold
color lab.pending        default  default
mono  lab.pending
color message.urgent     red      default bold
mono  message.urgent     bold
color message.unread     black    default bold
mono  message.unread     bold
color hint.key           white    color240 bold
mono  hint.key           reverse
color hint               color236 color252
mono  hint
color status.ok          green    default
mono  status.ok
color status.error       red      default bold
mono  status.error       bold
color command.line       black    color252
mono  command.line       bold
color overlay            default  color254
mono  overlay
color overlay.title      blue     color254 bold
mono  overlay.title      bold
color field              default  color252
mono  field              underline
color field.focused      white    blue
mono  field.focused      reverse
color field.error        red      color254 bold
mono  field.error        bold
color banner             black    yellow bold
mono  banner             reverse bold

"""#,
        "high-contrast": #"""
# Rounds theme: high-contrast (bold, pure colours, for bright rooms and low vision)
#
#   color SLOT FOREGROUND BACKGROUND [bold] [reverse] [underline] [dim]
#   mono  SLOT [bold] [reverse] [underline] [dim]

color normal             brightwhite black
mono  normal
color dim                white    black
mono  dim
color header             black    brightwhite bold
mono  header             reverse bold
color headerAlert        brightwhite red   bold
mono  headerAlert        reverse bold underline
color paneTitle          brightwhite black bold
mono  paneTitle          bold
color paneTitleFocused   black    brightyellow bold
mono  paneTitleFocused   reverse bold
color border             white    black
mono  border
color borderFocused      brightyellow black bold
mono  borderFocused      bold
color columnHeading      brightwhite black bold underline
mono  columnHeading      bold underline
color selected           black    brightyellow bold
mono  selected           reverse bold
color selectedUnfocused  black    white
mono  selectedUnfocused  reverse
color unitHeading        brightcyan black bold
mono  unitHeading        bold underline
color overdue            brightwhite red   bold
mono  overdue            reverse bold
color stat               brightred black bold
mono  stat               bold underline
color urgent             brightyellow black bold
mono  urgent             bold
color routine            brightwhite black
mono  routine
color done               white    black
mono  done
color bed.available      brightgreen black bold
mono  bed.available      bold
color bed.reserved       brightcyan black bold
mono  bed.reserved       underline
color bed.occupied       brightwhite black
mono  bed.occupied
color bed.dirty          black    brightyellow bold
mono  bed.dirty          reverse
color bed.cleaning       brightyellow black bold
mono  bed.cleaning       underline
color bed.blocked        white    black underline
mono  bed.blocked        underline
color lab.critical       brightwhite red   bold
mono  lab.critical       reverse bold
color lab.abnormal       brightyellow black bold
mono  lab.abnormal       bold
color lab.pending        brightwhite black
mono  lab.pending
color message.urgent     brightwhite red   bold
mono  message.urgent     reverse bold
color message.unread     brightwhite black bold
mono  message.unread     bold
color hint.key           black    brightwhite bold
mono  hint.key           reverse bold
color hint               brightwhite black
mono  hint
color status.ok          brightgreen black bold
mono  status.ok          bold
color status.error       brightwhite red   bold
mono  status.error       reverse bold
color command.line       black    brightwhite bold
mono  command.line       reverse
color overlay            brightwhite blue
mono  overlay
color overlay.title      brightyellow blue bold
mono  overlay.title      bold underline
color field              black    white
mono  field              underline
color field.focused      black    brightyellow bold
mono  field.focused      reverse
color field.error        brightwhite red   bold
mono  field.error        reverse bold
color banner             black    brightyellow bold
mono  banner             reverse bold

"""#,
        "monochrome": #"""
# Rounds theme: monochrome (attributes only: bold, reverse, underline, dim — no colour at all)
#
#   mono SLOT [bold] [reverse] [underline] [dim]
# With no color lines, this theme looks the same on every terminal, NO_COLOR or not.

mono  normal
mono  dim                dim
mono  header             reverse
mono  headerAlert        reverse bold
mono  paneTitle
mono  paneTitleFocused   bold underline
mono  border             dim
mono  borderFocused      bold
mono  columnHeading      underline
mono  selected           reverse
mono  selectedUnfocused  underline
mono  unitHeading        bold
mono  overdue            bold
mono  stat               bold
mono  urgent
mono  routine
mono  done               dim
mono  bed.available
mono  bed.reserved
mono  bed.occupied
mono  bed.dirty          bold
mono  bed.cleaning
mono  bed.blocked        dim
mono  lab.critical       reverse bold
mono  lab.abnormal       bold
mono  lab.pending
mono  message.urgent     bold
mono  message.unread     bold
mono  hint.key           reverse
mono  hint
mono  status.ok
mono  status.error       bold
mono  command.line       bold
mono  overlay
mono  overlay.title      bold
mono  field              underline
mono  field.focused      reverse
mono  field.error        bold
mono  banner             reverse bold

"""#,
    ]

    public static var names: [String] { all.keys.sorted() }
}
