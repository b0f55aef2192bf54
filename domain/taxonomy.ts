// The built-in knowledge-point taxonomy: per subject, which words in a question (its
// printed text, options, keywords and answer) point to which knowledge point. It is the
// offline default of tagging (domain/tagging.ts); an LLM, when configured, replaces it.
//
// Names read "topic/sub-topic". Keywords: CJK strings match anywhere; Latin ones match
// whole words, or a word start when they end with `*` ("pythagor*"); a RegExp is tested on
// the lower-case text without spaces ("2x+3=11"). `answers` are whole
// answers that alone identify the point (a fill answer "an" is about articles).

export interface TaxonomyEntry {
  /** the name in Chinese and in English papers; one name when the subject has one language */
  name: { zh: string; en: string } | string;
  keywords: (string | RegExp)[];
  answers?: string[];
}

export type Subject = 'math' | 'physics' | 'chemistry' | 'chinese' | 'english';

const subjectAliases: Record<Subject, string[]> = {
  math: ['math', 'maths', 'mathematics', '数学'],
  physics: ['physics', '物理'],
  chemistry: ['chemistry', '化学'],
  chinese: ['chinese', '语文', 'yuwen'],
  english: ['english', '英语'],
};

/** The taxonomy subject of a template's free-form `subject` ("数学", "Math", "maths"), or null. */
export function subjectOf(subject: string): Subject | null {
  const s = subject.trim().toLowerCase();
  for (const [key, aliases] of Object.entries(subjectAliases) as [Subject, string[]][]) {
    if (aliases.some((a) => s === a || s.includes(a))) return key;
  }
  return null;
}

const math: TaxonomyEntry[] = [
  {
    name: { zh: '实数/无理数', en: 'Real numbers/Irrational numbers' },
    keywords: ['无理数', '有理数', '实数', '根号', 'π', 'irrational', 'rational number*', 'real number*'],
  },
  {
    name: { zh: '实数/平方根与立方根', en: 'Real numbers/Square and cube roots' },
    keywords: ['平方根', '立方根', '算术平方根', 'square root*', 'cube root*'],
  },
  {
    name: { zh: '整式/整式运算', en: 'Algebra/Polynomials' },
    keywords: ['整式', '单项式', '多项式', '同类项', '幂的', 'polynomial*', 'monomial*', 'like terms', 'expand*'],
  },
  {
    name: { zh: '整式/因式分解', en: 'Algebra/Factorisation' },
    keywords: ['因式分解', '分解因式', '公因式', '平方差', '完全平方', 'factori*', 'factoris*'],
  },
  { name: { zh: '分式/分式运算', en: 'Algebra/Algebraic fractions' }, keywords: ['分式', '约分', '通分', 'algebraic fraction*'] },
  { name: { zh: '二次根式/二次根式运算', en: 'Algebra/Surds' }, keywords: ['二次根式', '最简二次根式', 'surd*', 'radical*'] },
  {
    name: { zh: '方程/一元一次方程', en: 'Equations/Linear equations' },
    keywords: ['一元一次', '方程', '解得', 'linear equation*', 'solve for', 'equation', /^(?!.*[²^])(.*[^a-z])?\d*[a-z][+-]\d+=-?\d+/],
  },
  {
    name: { zh: '方程/二元一次方程组', en: 'Equations/Simultaneous equations' },
    keywords: ['方程组', '二元一次', '消元', 'simultaneous', 'system of equations'],
  },
  {
    name: { zh: '方程/一元二次方程', en: 'Equations/Quadratic equations' },
    keywords: ['一元二次', '二次方程', '判别式', '配方', 'quadratic equation*', 'discriminant'],
  },
  { name: { zh: '不等式/一元一次不等式', en: 'Inequalities/Linear inequalities' }, keywords: ['不等式', '解集', 'inequalit*'] },
  {
    name: { zh: '函数/一次函数', en: 'Functions/Linear functions' },
    keywords: ['一次函数', '正比例函数', '斜率', '截距', 'y=kx+b', 'linear function*', 'slope', 'gradient', 'intercept'],
  },
  {
    name: { zh: '函数/二次函数', en: 'Functions/Quadratic functions' },
    keywords: ['二次函数', '抛物线', '顶点', '对称轴', 'parabola*', 'quadratic function*', 'vertex'],
  },
  {
    name: { zh: '函数/反比例函数', en: 'Functions/Inverse proportion' },
    keywords: ['反比例', 'y=k/x', 'inverse proportion*', 'inversely proportional'],
  },
  {
    name: { zh: '平面直角坐标系/象限', en: 'Coordinates/Quadrants' },
    keywords: ['象限', '坐标系', '坐标', '原点', 'quadrant*', 'coordinate*', 'origin'],
  },
  {
    name: { zh: '三角形/勾股定理', en: 'Triangles/Pythagoras' },
    keywords: ['勾股', '直角三角形', '斜边', '直角边', 'a²+b²=c²', 'pythagor*', 'hypotenuse', 'right triangle*', 'right-angled'],
  },
  { name: { zh: '三角形/全等三角形', en: 'Triangles/Congruence' }, keywords: ['全等', 'SAS', 'ASA', 'SSS', 'AAS', 'congruen*'] },
  { name: { zh: '三角形/相似三角形', en: 'Triangles/Similarity' }, keywords: ['相似', 'similar triangle*', 'similarity'] },
  {
    name: { zh: '三角形/等腰三角形', en: 'Triangles/Isosceles and equilateral' },
    keywords: ['等腰', '等边三角形', '底角', '顶角', 'isosceles', 'equilateral'],
  },
  {
    name: { zh: '三角形/三角形的角', en: 'Triangles/Angles' },
    keywords: ['内角和', '外角', '三角形', 'angle sum', 'interior angle*', 'exterior angle*', 'triangle*'],
  },
  {
    name: { zh: '四边形/平行四边形', en: 'Quadrilaterals/Parallelograms' },
    keywords: ['平行四边形', '矩形', '菱形', '正方形', '四边形', 'parallelogram*', 'rectangle*', 'rhombus', 'quadrilateral*'],
  },
  {
    name: { zh: '圆/圆的性质', en: 'Circles/Properties of circles' },
    keywords: ['圆', '半径', '直径', '弦', '切线', '圆心角', '圆周角', 'circle*', 'radius', 'diameter', 'chord*', 'tangent*'],
  },
  {
    name: { zh: '三角函数/锐角三角函数', en: 'Trigonometry/Trigonometric ratios' },
    keywords: ['三角函数', '正弦', '余弦', '正切', 'sin', 'cos', 'tan', 'trigonometr*'],
  },
  {
    name: { zh: '统计与概率/统计', en: 'Statistics/Averages and spread' },
    keywords: ['平均数', '中位数', '众数', '方差', '统计', 'mean', 'median', 'mode', 'variance', 'average*'],
  },
  {
    name: { zh: '统计与概率/概率', en: 'Probability/Probability' },
    keywords: ['概率', '可能性', '随机', 'probabilit*', 'chance*', 'random*'],
  },
];

const physics: TaxonomyEntry[] = [
  {
    name: { zh: '力学/力与运动', en: 'Mechanics/Forces and motion' },
    keywords: ['重力', '摩擦力', '弹力', '合力', '受力', '牛顿', '惯性', '二力平衡', 'force*', 'newton*', 'friction', 'gravity', 'inertia'],
  },
  { name: { zh: '力学/速度', en: 'Mechanics/Speed' }, keywords: ['速度', '路程', '匀速', 'm/s', 'km/h', 'speed', 'velocity', 'distance'] },
  { name: { zh: '力学/密度', en: 'Mechanics/Density' }, keywords: ['密度', 'kg/m³', 'g/cm³', 'density'] },
  {
    name: { zh: '力学/压强与浮力', en: 'Mechanics/Pressure and buoyancy' },
    keywords: ['压强', '浮力', '阿基米德', '帕斯卡', 'pressure', 'buoyan*', 'archimedes', 'float*'],
  },
  {
    name: { zh: '力学/功和机械能', en: 'Mechanics/Work and energy' },
    keywords: [
      '做功',
      '功率',
      '机械能',
      '动能',
      '势能',
      '杠杆',
      '滑轮',
      '机械效率',
      'work done',
      'kinetic',
      'potential energy',
      'lever*',
      'pulley*',
    ],
  },
  {
    name: { zh: '电学/电路', en: 'Electricity/Circuits' },
    keywords: ['电路', '串联', '并联', '开关', '短路', 'circuit*', 'series', 'parallel'],
  },
  {
    name: { zh: '电学/欧姆定律', en: "Electricity/Ohm's law" },
    keywords: ['欧姆', '电阻', '电压', '电流', 'ohm*', 'resistance', 'resistor*', 'voltage', 'current'],
  },
  {
    name: { zh: '电学/电功率', en: 'Electricity/Electric power' },
    keywords: ['电功率', '电能', '电功', '焦耳定律', 'kw·h', 'kwh', 'electric power', 'watt*'],
  },
  {
    name: { zh: '电磁学/磁现象', en: 'Electromagnetism/Magnetism' },
    keywords: ['磁', '电磁', '磁场', '磁感线', 'magnet*', 'electromagnet*'],
  },
  {
    name: { zh: '光学/光的反射与折射', en: 'Optics/Reflection and refraction' },
    keywords: [
      '光的',
      '光线',
      '反射',
      '折射',
      '透镜',
      '平面镜',
      '凸透镜',
      '凹透镜',
      '成像',
      'light',
      'reflect*',
      'refract*',
      'lens*',
      'mirror*',
    ],
  },
  {
    name: { zh: '热学/物态变化', en: 'Heat/Changes of state' },
    keywords: [
      '温度',
      '熔化',
      '凝固',
      '汽化',
      '液化',
      '升华',
      '凝华',
      '蒸发',
      '沸腾',
      'temperature',
      'melt*',
      'boil*',
      'evaporat*',
      'condens*',
    ],
  },
  {
    name: { zh: '热学/内能与比热容', en: 'Heat/Internal energy and specific heat' },
    keywords: ['内能', '比热容', '热量', '热值', 'specific heat', 'thermal energy', 'internal energy'],
  },
  {
    name: { zh: '声学/声现象', en: 'Sound/Sound' },
    keywords: ['声音', '声速', '音调', '响度', '音色', '噪声', '回声', 'sound', 'pitch', 'loudness', 'echo*'],
  },
];

const chemistry: TaxonomyEntry[] = [
  {
    name: { zh: '物质构成/原子与分子', en: 'Matter/Atoms and molecules' },
    keywords: ['原子', '分子', '离子', '质子', '中子', '电子', 'atom*', 'molecul*', 'ion', 'ions', 'proton*', 'neutron*', 'electron*'],
  },
  {
    name: { zh: '物质构成/元素与化学式', en: 'Matter/Elements and formulas' },
    keywords: ['元素', '化学式', '化合价', '周期表', 'element*', 'formula*', 'valenc*', 'periodic table'],
  },
  {
    name: { zh: '化学反应/化学方程式', en: 'Reactions/Chemical equations' },
    keywords: [
      '化学方程式',
      '配平',
      '化学反应',
      '反应',
      '生成',
      '化合反应',
      '分解反应',
      '置换反应',
      'chemical equation*',
      'balanc*',
      'reaction*',
    ],
  },
  { name: { zh: '化学反应/质量守恒定律', en: 'Reactions/Conservation of mass' }, keywords: ['质量守恒', 'conservation of mass'] },
  {
    name: { zh: '物质分类/酸碱盐', en: 'Substances/Acids, bases and salts' },
    keywords: [
      '酸',
      '碱',
      '盐',
      'ph',
      '中和',
      '指示剂',
      '酚酞',
      '石蕊',
      'acid*',
      'alkali*',
      'base',
      'bases',
      'salt*',
      'neutrali*',
      'indicator*',
    ],
  },
  {
    name: { zh: '身边的化学物质/氧气与二氧化碳', en: 'Substances/Oxygen and carbon dioxide' },
    keywords: ['氧气', '二氧化碳', '燃烧', '灭火', 'o2', 'co2', 'oxygen', 'carbon dioxide', 'combust*', 'burn*'],
  },
  {
    name: { zh: '身边的化学物质/水与溶液', en: 'Substances/Water and solutions' },
    keywords: ['溶液', '溶解度', '溶质', '溶剂', '饱和', '电解水', 'h2o', 'solution*', 'solubil*', 'solute', 'solvent', 'saturated'],
  },
  {
    name: { zh: '身边的化学物质/金属', en: 'Substances/Metals' },
    keywords: ['金属', '铁', '铜', '铝', '锈', '合金', 'metal*', 'iron', 'copper', 'rust*', 'alloy*'],
  },
  {
    name: { zh: '化学实验/实验操作', en: 'Practical/Laboratory techniques' },
    keywords: ['实验', '仪器', '试管', '量筒', '过滤', '酒精灯', '蒸发皿', 'experiment*', 'test tube*', 'filtrat*', 'apparatus'],
  },
  {
    name: { zh: '化学计算/相对分子质量', en: 'Calculations/Relative formula mass' },
    keywords: [
      '相对分子质量',
      '相对原子质量',
      '质量分数',
      'relative formula mass',
      'relative molecular mass',
      'relative atomic mass',
      'percentage by mass',
    ],
  },
];

const chinese: TaxonomyEntry[] = [
  { name: '字词/拼音', keywords: ['拼音', '读音', '注音', '声调', '加点字'] },
  { name: '字词/字形', keywords: ['错别字', '字形', '笔画', '部首', '书写'] },
  { name: '字词/词语运用', keywords: ['词语', '成语', '近义词', '反义词', '词义', '关联词'] },
  { name: '句子/病句修改', keywords: ['病句', '语病', '修改'] },
  { name: '句子/标点符号', keywords: ['标点', '逗号', '句号', '顿号', '引号'] },
  { name: '句子/修辞手法', keywords: ['修辞', '比喻', '拟人', '排比', '夸张', '对偶', '设问', '反问'] },
  { name: '古诗文/古诗词', keywords: ['古诗', '诗句', '诗人', '默写', '上句', '下句', '词人', '绝句', '律诗'] },
  { name: '古诗文/文言文', keywords: ['文言', '翻译', '译文', '实词', '虚词', '论语', '解释加点'] },
  { name: '文学常识/作家作品', keywords: ['作者', '作品', '朝代', '文学常识', '名著', '出自'] },
  { name: '阅读/现代文阅读', keywords: ['阅读', '文章', '短文', '选文', '段落', '中心思想', '主旨', '概括', '表达了', '情感', '含义'] },
  { name: '写作/作文', keywords: ['作文', '写作', '字数', '不少于', '为题'] },
];

const english: TaxonomyEntry[] = [
  {
    name: 'Grammar/Tenses',
    keywords: [
      'tense*',
      'every day',
      'usually',
      'always',
      'yesterday',
      'ago',
      'tomorrow',
      'last week',
      'last weekend',
      'last year',
      'since',
      'already',
      'at the moment',
      'right now',
      'will',
      'going to',
      'past',
      'present perfect',
      'present simple',
      'past simple',
    ],
    answers: ['goes', 'went', 'has', 'have', 'had', 'was', 'were', 'did', 'does', 'will'],
  },
  { name: 'Grammar/Nouns and plurals', keywords: ['plural*', 'singular', 'countable', 'uncountable'] },
  { name: 'Grammar/Articles', keywords: ['article*'], answers: ['a', 'an', 'the'] },
  {
    name: 'Grammar/Prepositions',
    keywords: ['preposition*'],
    answers: ['in', 'on', 'at', 'by', 'with', 'from', 'to', 'of', 'under', 'for', 'since', 'during'],
  },
  {
    name: 'Grammar/Pronouns',
    keywords: ['pronoun*'],
    answers: [
      'he',
      'she',
      'him',
      'her',
      'they',
      'them',
      'his',
      'its',
      'their',
      'mine',
      'yours',
      'ours',
      'theirs',
      'myself',
      'himself',
      'herself',
    ],
  },
  { name: 'Grammar/Comparatives and superlatives', keywords: ['comparative*', 'superlative*', 'than', 'the most'] },
  { name: 'Grammar/Modal verbs', keywords: ['modal*', 'can', 'could', 'must', 'should', 'may', 'might'] },
  { name: 'Grammar/Passive voice', keywords: ['passive', 'is made', 'was made', 'were built', 'was written', 'is spoken'] },
  { name: 'Grammar/Clauses', keywords: ['relative clause*', 'clause*', 'conditional*', 'whose', 'unless'] },
  { name: 'Vocabulary/Word meaning', keywords: ['opposite', 'antonym*', 'synonym*', 'meaning', 'means', 'definition'] },
  { name: 'Vocabulary/Parts of speech', keywords: ['part of speech', 'parts of speech', 'adjective*', 'adverb*', 'verb', 'verbs', 'noun'] },
  {
    name: 'Reading/Comprehension',
    keywords: ['passage', 'according to', 'main idea', 'the text', 'the author', 'best title', 'paragraph'],
  },
  { name: 'Writing/Sentences and paragraphs', keywords: ['write', 'describe', 'composition', 'essay', 'sentence*', 'words'] },
];

export const taxonomy: Record<Subject, TaxonomyEntry[]> = { math, physics, chemistry, chinese, english };
